import type { RgbImage } from '../image/decode'

/**
 * Area-average downscale to at most `maxSide` pixels on the long side. The detectors look at
 * 416–512 px anyway, so a 40-megapixel photo is found on a copy, never as one huge tensor.
 */
export function shrinkToMaxSide(image: RgbImage, maxSide: number): { image: RgbImage; scale: number } {
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height))
  if (scale === 1) return { image, scale }
  const width = Math.max(1, Math.round(image.width * scale))
  const height = Math.max(1, Math.round(image.height * scale))
  const sums = new Float64Array(width * height * 3)
  const counts = new Uint32Array(width * height)
  for (let y = 0; y < image.height; y++) {
    const row = Math.min(height - 1, Math.floor((y * height) / image.height)) * width
    for (let x = 0; x < image.width; x++) {
      const cell = row + Math.min(width - 1, Math.floor((x * width) / image.width))
      const source = (y * image.width + x) * 3
      sums[cell * 3] += image.data[source]
      sums[cell * 3 + 1] += image.data[source + 1]
      sums[cell * 3 + 2] += image.data[source + 2]
      counts[cell]++
    }
  }
  const data = new Uint8Array(width * height * 3)
  for (let i = 0; i < data.length; i++) data[i] = Math.round(sums[i] / counts[Math.floor(i / 3)])
  return { image: { width, height, data }, scale: width / image.width }
}
