import sharp from 'sharp'
import type { RgbImage } from './decode'

/** RGB → PNG bytes, for results, thumbnails and patch grids. */
export async function encodePng(image: RgbImage): Promise<Uint8Array> {
  const buffer = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).png().toBuffer()
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
}

/** RGB → JPEG bytes, for stored photos and thumbnails where size matters more than exactness. */
export async function encodeJpeg(image: RgbImage, quality = 90): Promise<Uint8Array> {
  const buffer = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).jpeg({ quality }).toBuffer()
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
}
