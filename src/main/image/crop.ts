import sharp from 'sharp'
import type { RgbImage } from './decode'
import type { Box } from '../../shared/geometry'

/** The rectangle grown by `margin` of its size on every side, clipped to the picture. */
export function expandRect(rect: Box, margin: number, width: number, height: number): Box {
  const x0 = Math.max(0, Math.floor(rect.x - rect.width * margin))
  const y0 = Math.max(0, Math.floor(rect.y - rect.height * margin))
  const x1 = Math.min(width, Math.ceil(rect.x + rect.width * (1 + margin)))
  const y1 = Math.min(height, Math.ceil(rect.y + rect.height * (1 + margin)))
  return { x: x0, y: y0, width: Math.max(1, x1 - x0), height: Math.max(1, y1 - y0) }
}

/** Cuts `rect` (clipped to the picture) and scales it to fit in size × size. */
export async function cropResize(image: RgbImage, rect: Box, size: number): Promise<RgbImage> {
  const r = expandRect(rect, 0, image.width, image.height)
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .extract({ left: r.x, top: r.y, width: Math.min(r.width, image.width - r.x), height: Math.min(r.height, image.height - r.y) })
    .resize(size, size, { fit: 'inside' })
    .raw()
    .toBuffer({ resolveWithObject: true })
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) }
}

/** Scales the whole picture down to at most maxSide on its long side (never up). */
export async function fitWithin(image: RgbImage, maxSide: number): Promise<RgbImage> {
  if (Math.max(image.width, image.height) <= maxSide) return image
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(maxSide, maxSide, { fit: 'inside' })
    .raw()
    .toBuffer({ resolveWithObject: true })
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) }
}
