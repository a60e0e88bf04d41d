import type { RgbImage } from '../image/decode'
import type { FaceQuality } from '../../shared/api/face'

/**
 * Limits for an enrollment shot; the figures are shown beside each shot so a user can see why.
 * Measured on the 161 faces of the three labelled sets (the largest face of each photo, at the
 * 112-px crop the worker scores): sharpness from 39, medians 148–778 per set (2 of 55 dlib_johns stills under 40,
 * none elsewhere), brightness 58–185. The same crops blurred with σ = 2 px all score under 40,
 * σ = 1 px about a fifth of them.
 */
export const qualityLimits = { minBrightness: 50, maxBrightness: 230, minSharpness: 40 }

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
