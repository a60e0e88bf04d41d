import type { RgbImage } from '../image/decode'
import type { FaceQuality } from '../../shared/api/face'

/**
 * Brightness is the mean luma (BT.601); sharpness the variance of the 4-neighbour Laplacian of
 * luma (Pech-Pacheco et al., 2000), a standard blur score: motion blur and defocus flatten it.
 */
export function faceQuality(crop: RgbImage): FaceQuality {
  const { width, height, data } = crop
  const luma = new Float32Array(width * height)
  let sum = 0
  for (let i = 0; i < luma.length; i++) {
    luma[i] = 0.299 * data[i * 3]! + 0.587 * data[i * 3 + 1]! + 0.114 * data[i * 3 + 2]!
    sum += luma[i]!
  }
  let count = 0
  let mean = 0
  let m2 = 0
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x
      const laplacian = luma[i - 1]! + luma[i + 1]! + luma[i - width]! + luma[i + width]! - 4 * luma[i]!
      count++
      const delta = laplacian - mean
      mean += delta / count
      m2 += delta * (laplacian - mean)
    }
  }
  return { brightness: sum / Math.max(1, luma.length), sharpness: count > 1 ? m2 / (count - 1) : 0 }
}
