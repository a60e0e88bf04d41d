import * as tf from '@tensorflow/tfjs'
import { seededRandom } from '../engine/random'
import type { RgbImage } from '../image/decode'
import { imageToTensor } from '../image/tensor'
import { bytesToLab, rgbToLab } from './cielab'
import { project, quantileFunction, randomRotation, subsample } from './colourCloud'
import { fitLongestSide, resizeImages } from './resize'

/**
 * Three figures that say whether a stylised picture is one worth keeping (issue 12), each a ratio
 * so that it reads the same for every pair and size:
 * - palette: 1 = the result's colours are as far from the painting's as the photo's were, 0 = the
 *   painting's own;
 * - chroma speckle: 1 = the result's colour is as busy at the finest scale as the painting's;
 * - structure: 1 = the result's edges are exactly where the photo's are.
 */
export interface QualityFigures {
  palette: number
  chromaSpeckle: number
  structure: number
}

export function qualityFigures(result: RgbImage, photo: RgbImage, painting: RgbImage): QualityFigures {
  return { palette: paletteShift(result, photo, painting), chromaSpeckle: chromaSpeckle(result, painting), structure: edgeStructure(result, photo) }
}

// palette = SW₂(result, painting) / SW₂(photo, painting), pixel colours in CIELAB
export function paletteShift(result: RgbImage, photo: RgbImage, painting: RgbImage): number {
  const target = labPixels(painting)
  return slicedWasserstein(labPixels(result), target) / Math.max(slicedWasserstein(labPixels(photo), target), Number.MIN_VALUE)
}

// speckle = E(result) / E(painting with the result's longest side)
export function chromaSpeckle(result: RgbImage, painting: RgbImage): number {
  const size = fitLongestSide(painting.width, painting.height, Math.max(result.width, result.height))
  return chromaEnergy(result) / Math.max(chromaEnergy(painting, size), Number.MIN_VALUE)
}

// structure = corr(|∇L*(result↓4)|, |∇L*(photo↓4)|), ∇ the Sobel gradient, both at a quarter of the result's size
export function edgeStructure(result: RgbImage, photo: RgbImage): number {
  const size = { width: Math.max(3, Math.floor(result.width / 4)), height: Math.max(3, Math.floor(result.height / 4)) }
  return pearson(edgeMagnitude(asLab(result, size)), edgeMagnitude(asLab(photo, size)))
}

// E(x) = mean_ij (∇²a*_ij)² + (∇²b*_ij)², ∇² the 4-neighbour Laplacian, over interior pixels
function chromaEnergy(image: RgbImage, size?: { width: number; height: number }): number {
  const { lab, width, height } = asLab(image, size)
  let sum = 0
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = 3 * (y * width + x)
      for (let c = 1; c <= 2; c++) {
        const laplacian = lab[i + c - 3] + lab[i + c + 3] + lab[i + c - 3 * width] + lab[i + c + 3 * width] - 4 * lab[i + c]
        sum += laplacian * laplacian
      }
    }
  }
  return sum / Math.max(1, (width - 2) * (height - 2))
}

/** Directions in whole rotations of three: 66. */
const directions = 64
const quantiles = 1024
/**
 * Colour distributions are compared on at most this many pixels per picture, spread evenly: 16
 * per quantile, and a quarter of the sorting that 64k pixels cost (figures moved by ≈ 0.01).
 */
const maxPixels = 1 << 14

/**
 * SW₂(P, Q) = ( mean_θ W₂²(θᵀP, θᵀQ) )^½ over unit directions θ, with the 1-D distance
 * W₂² = ∫₀¹ (F⁻¹_θᵀP(u) − F⁻¹_θᵀQ(u))² du taken at `quantiles` points. P and Q are point clouds
 * [n, 3] (flat, n·3 values) of any sizes. The directions are fixed (seeded), so the figure repeats.
 */
export function slicedWasserstein(p: Float32Array, q: Float32Array): number {
  const random = seededRandom(12)
  let sum = 0
  let count = 0
  while (count < directions) {
    for (const theta of randomRotation(random)) {
      const fp = quantileFunction(project(p, theta), quantiles)
      const fq = quantileFunction(project(q, theta), quantiles)
      for (let i = 0; i < quantiles; i++) sum += (fp[i] - fq[i]) ** 2
      count++
    }
  }
  return Math.sqrt(sum / (count * quantiles))
}

/** CIELAB colours of an image's pixels, [n, 3] flat, subsampled with a fixed stride when large. */
export function labPixels(image: RgbImage): Float32Array {
  return subsample(asLab(image).lab, maxPixels)
}

interface LabPicture {
  lab: Float32Array
  width: number
  height: number
}

/** The picture in CIELAB, resized first (tf's area-then-bilinear resize) when a size is given. */
function asLab(image: RgbImage, size?: { width: number; height: number }): LabPicture {
  if (!size || (size.width === image.width && size.height === image.height)) return { lab: bytesToLab(image.data), ...dimensions(image) }
  const rgb = tf.tidy(() => resizeImages(imageToTensor(image).expandDims(0) as tf.Tensor4D, size.height, size.width).dataSync() as Float32Array)
  return { lab: rgbToLab(rgb), ...size }
}

function dimensions(image: RgbImage): { width: number; height: number } {
  return { width: image.width, height: image.height }
}

// |∇L*| with ∇ = (d/dx, d/dy), d/dx = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]] and d/dy its transpose; interior pixels.
function edgeMagnitude({ lab, width, height }: LabPicture): Float32Array {
  const out = new Float32Array((width - 2) * (height - 2))
  const l = (x: number, y: number): number => lab[3 * (y * width + x)]
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const dx = l(x + 1, y - 1) + 2 * l(x + 1, y) + l(x + 1, y + 1) - l(x - 1, y - 1) - 2 * l(x - 1, y) - l(x - 1, y + 1)
      const dy = l(x - 1, y + 1) + 2 * l(x, y + 1) + l(x + 1, y + 1) - l(x - 1, y - 1) - 2 * l(x, y - 1) - l(x + 1, y - 1)
      out[(y - 1) * (width - 2) + x - 1] = Math.hypot(dx, dy)
    }
  }
  return out
}

function pearson(x: Float32Array, y: Float32Array): number {
  const mean = (v: Float32Array): number => v.reduce((s, a) => s + a, 0) / v.length
  const mx = mean(x)
  const my = mean(y)
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i] - mx) * (y[i] - my)
    sxx += (x[i] - mx) ** 2
    syy += (y[i] - my) ** 2
  }
  return sxy / Math.max(Math.sqrt(sxx * syy), Number.MIN_VALUE)
}
