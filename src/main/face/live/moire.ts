import type { RgbImage } from '../../image/decode'
import type { Box, Point } from '../../../shared/geometry'
import { boxCentre } from '../boxes'

/** In-place radix-2 FFT of one row or column (length a power of two), stride through interleaved arrays. */
function fft(re: Float64Array, im: Float64Array, offset: number, stride: number, n: number): void {
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1
    for (; j & bit; bit >>= 1) j ^= bit
    j ^= bit
    if (i < j) {
      const [a, b] = [offset + i * stride, offset + j * stride]
      ;[re[a], re[b]] = [re[b], re[a]]
      ;[im[a], im[b]] = [im[b], im[a]]
    }
  }
  for (let length = 2; length <= n; length <<= 1) {
    const angle = (-2 * Math.PI) / length
    for (let start = 0; start < n; start += length) {
      for (let k = 0; k < length / 2; k++) {
        const [wr, wi] = [Math.cos(angle * k), Math.sin(angle * k)]
        const a = offset + (start + k) * stride
        const b = offset + (start + k + length / 2) * stride
        const tr = re[b] * wr - im[b] * wi
        const ti = re[b] * wi + im[b] * wr
        re[b] = re[a] - tr
        im[b] = im[a] - ti
        re[a] += tr
        im[a] += ti
      }
    }
  }
}

/** |F(kx, ky)| of a size × size window of luma at the camera's own pixels, Hann-windowed, mean removed. */
function lumaSpectrum(image: RgbImage, centre: Point, size: number): Float64Array {
  const re = new Float64Array(size * size)
  const im = new Float64Array(size * size)
  const x0 = Math.round(centre.x - size / 2)
  const y0 = Math.round(centre.y - size / 2)
  let mean = 0
  for (let v = 0; v < size; v++) {
    const y = Math.min(image.height - 1, Math.max(0, y0 + v))
    for (let u = 0; u < size; u++) {
      const x = Math.min(image.width - 1, Math.max(0, x0 + u))
      const i = (y * image.width + x) * 3
      re[v * size + u] = 0.299 * image.data[i] + 0.587 * image.data[i + 1] + 0.114 * image.data[i + 2]
      mean += re[v * size + u]
    }
  }
  mean /= size * size
  const hann = Float64Array.from({ length: size }, (_, k) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (k + 0.5)) / size))
  for (let v = 0; v < size; v++) for (let u = 0; u < size; u++) re[v * size + u] = (re[v * size + u] - mean) * hann[u] * hann[v]
  for (let v = 0; v < size; v++) fft(re, im, v * size, 1, size)
  for (let u = 0; u < size; u++) fft(re, im, u, size, size)
  return Float64Array.from(re, (r, i) => Math.hypot(r, im[i]))
}

interface SpectralPeak {
  /** |F| at the peak over the median |F| of the 16 bins two steps around it. */
  prominence: number
  /** Where, in cycles per pixel. */
  fx: number
  fy: number
}

/** The most prominent bin of the spectrum with a radius in [minCycles, maxCycles] cycles per pixel. */
function spectralPeak(magnitude: Float64Array, size: number, minCycles: number, maxCycles: number): SpectralPeak {
  let best: SpectralPeak = { prominence: 0, fx: 0, fy: 0 }
  const ring: number[] = []
  const half = size / 2
  // one half-plane: a real image's spectrum is symmetric
  for (let ky = 0; ky <= half; ky++) {
    for (let kx = -half + 1; kx <= half; kx++) {
      if (ky === 0 && kx <= 0) continue
      const radius = Math.hypot(kx, ky) / size
      if (radius < minCycles || radius > maxCycles) continue
      ring.length = 0
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          if (Math.max(Math.abs(dx), Math.abs(dy)) !== 2) continue
          ring.push(magnitude[((ky + dy + size) % size) * size + ((kx + dx + size) % size)])
        }
      }
      ring.sort((a, b) => a - b)
      const background = (ring[7] + ring[8]) / 2
      const prominence = magnitude[((ky + size) % size) * size + ((kx + size) % size)] / background
      if (prominence > best.prominence) best = { prominence, fx: kx / size, fy: ky / size }
    }
  }
  return best
}

/** The window looked at, camera pixels on a side, centred on the face: inside the face's own box for faces over ~80 px wide. */
const windowSize = 64
/**
 * The band searched, in cycles per pixel: from periods of 12.5 px (below it lie the face's own
 * features and a lamp's rolling-shutter flicker bands) to the camera's Nyquist limit.
 */
const band = { minCycles: 0.08, maxCycles: 0.5 }

/**
 * Moiré on a face, the trace of a recaptured screen (Patel, Han & Jain 2015): a display is a
 * grid of pixels, and a camera's grid sampling it aliases the display's pitch into a periodic
 * pattern over the picture, a narrow peak in the spectrum of the camera's own pixels. Skin,
 * sensor noise and a lamp's light have smooth spectra. The answer is the peak's prominence
 * (spectralPeak) in the luma of a window centred on the face box, at the camera's pixels, never
 * resampled: resampling would filter or alias the very grid it looks for.
 */
export function moireProminence(image: RgbImage, faceBox: Box): number {
  return spectralPeak(lumaSpectrum(image, boxCentre(faceBox), windowSize), windowSize, band.minCycles, band.maxCycles).prominence
}
