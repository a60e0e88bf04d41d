import sharp from 'sharp'
import { LikenessError } from '../../shared/errors'

/** An 8-bit RGB picture, row-major, three bytes per pixel: what every engine takes. */
export interface RgbImage {
  width: number
  height: number
  data: Uint8Array
}

export interface DecodedImage {
  image: RgbImage
  /** Size of the picture as stored (after EXIF rotation), before any downscale. */
  originalWidth: number
  originalHeight: number
  /** image.width / originalWidth: 1 unless the photo was larger than maxPixels. */
  scale: number
}

export interface DecodeOptions {
  /** Larger pictures are downscaled to this many pixels; a 40-megapixel photo must not exhaust memory. */
  maxPixels?: number
}

const defaultMaxPixels = 4096 * 4096
/** Refuse outright beyond this (a decompression bomb), as sharp itself does by default. */
const hardPixelLimit = 268_402_689

/**
 * Bytes of a JPEG/PNG/WebP/GIF/TIFF/AVIF → RGB, honouring EXIF orientation, flattening alpha on
 * white and expanding greyscale, so that downstream code sees one layout only.
 */
export async function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}): Promise<DecodedImage> {
  const maxPixels = options.maxPixels ?? defaultMaxPixels
  if (bytes.byteLength === 0) throw new LikenessError('NotAnImage', 'The file is empty.')
  let metadata: { width?: number; height?: number; orientation?: number }
  try {
    metadata = await sharp(bytes, { limitInputPixels: hardPixelLimit }).metadata()
  } catch (error) {
    throw new LikenessError('NotAnImage', 'This file is not an image Likeness can read.', { cause: messageOf(error) })
  }
  if (!metadata.width || !metadata.height) throw new LikenessError('NotAnImage', 'This file has no picture in it.')
  // EXIF orientations 5–8 swap width and height.
  const rotated = (metadata.orientation ?? 1) >= 5
  const originalWidth = rotated ? metadata.height : metadata.width
  const originalHeight = rotated ? metadata.width : metadata.height
  const scale = Math.min(1, Math.sqrt(maxPixels / (originalWidth * originalHeight)))
  try {
    let pipeline = sharp(bytes, { failOn: 'truncated', limitInputPixels: hardPixelLimit }).rotate()
    if (scale < 1) {
      pipeline = pipeline.resize(Math.max(1, Math.round(originalWidth * scale)), Math.max(1, Math.round(originalHeight * scale)), {
        fit: 'fill'
      })
    }
    const { data, info } = await pipeline
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true })
    if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`)
    return {
      image: { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) },
      originalWidth,
      originalHeight,
      scale: info.width / originalWidth
    }
  } catch (error) {
    throw new LikenessError('CorruptImage', 'This image is damaged or incomplete and cannot be read.', { cause: messageOf(error) })
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
