import * as tf from '@tensorflow/tfjs'
import type { PaletteMatch } from '../../shared/api/style'
import { seededRandom } from '../engine/random'
import type { RgbImage } from '../image/decode'
import { bytesToLab, labToRgb, rgbToLab } from './cielab'
import { project, quantileFunction, randomRotation, subsample } from './colourCloud'
import { invert3, multiply3, symmetricFunction3, type Matrix3 } from './matrix3'

/**
 * Colour transfer in CIELAB: a picture's pixel colours moved so that their distribution is a
 * target's (the painting's, for a picture that takes the painting's palette). The networks drift
 * to their own pastel palette whatever the painting (notes: palette ≥ 0.63 with every knob), so the
 * palette is brought by this step rather than left to the style loss.
 *
 * - 'moments': the optimal transport map between Gaussians with the two means and covariances,
 *   x' = μ_t + A·(x − μ_s), A = Σ_s^(−½)·(Σ_s^(½)·Σ_t·Σ_s^(½))^(½)·Σ_s^(−½) (Pitié & Kokaram 2007):
 *   linear, so it keeps every edge and gradient of the picture.
 * - 'histogram': that, then sliced optimal transport (Pitié, Kokaram & Dahyot 2005; Bonneel et al.
 *   2015): along random orthonormal directions, each projection's 1-D histogram is matched to the
 *   target's, repeated; the whole 3-D distribution moves, not only its first two moments.
 */

/** A colour distribution to match: CIELAB pixels [n, 3], flat. */
export type Palette = Float32Array

/** Colours are matched on at most this many pixels per picture (the map then applies to all). */
const samplesPerPalette = 1 << 16
const slicedRounds = 8
const quantiles = 256
/** The sliced maps are fitted on this many pixels of each side: plenty for 256 quantiles. */
const fittingSamples = 1 << 14
/**
 * The lightness map's share that is linear: L ↦ μ_t + (σ_t/σ_s)(L − μ_s), blended into the
 * histogram's rank map F_t⁻¹(F_s(L)) at this weight. The rank map's slope follows the painting's
 * histogram: where the painting has few lightnesses the photo's edges are flattened, where it has
 * many they are steepened, and the photo's edges no longer stand in their own proportions. Half
 * linear lifts the structure figure of the photo recoloured alone on the amber arch × Hokusai from
 * 0.569 to 0.857 (palette 0.146 → 0.284), and of the studio's results on the seven pairs whose
 * strokes melted the photo's edges from 0.504–0.666 to 0.721–0.832, palette 0.119 → 0.150 on
 * average; a quarter linear reached only 0.600–0.737 (README, "Pictures worth keeping").
 */
const defaultLinearLightness = 0.5

/** The paintings' colours pooled, each painting's share of samples in proportion to its weight. */
export function paletteOf(paintings: readonly { image: RgbImage; weight: number }[]): Palette {
  const total = paintings.reduce((sum, p) => sum + p.weight, 0)
  const parts = paintings.map((p) => resample(bytesToLab(p.image.data), Math.max(1, Math.round((samplesPerPalette * p.weight) / total))))
  const pooled = new Float32Array(parts.reduce((sum, p) => sum + p.length, 0))
  let offset = 0
  for (const part of parts) {
    pooled.set(part, offset)
    offset += part.length
  }
  return pooled
}

/** The images ([n, h, w, 3] RGB in [0, 1]) with their colours matched to `palette`. */
export function matchPalette(images: tf.Tensor4D, palette: Palette, kind: Exclude<PaletteMatch, 'none'>, linearLightness = defaultLinearLightness): tf.Tensor4D {
  const lab = rgbToLab(images.dataSync())
  // The colours move as the picture's 5×5 local means move, x' = x + T(x̄) − x̄: matching every pixel
  // stretched a near-grey photo's sensor noise into colour speckle. The 56 shared photos recoloured
  // at 256 px, with the lightness re-ranked below, against matching every pixel without it: chroma
  // speckle 1.05 against 3.97 (lower on every pair), structure 0.83 against 0.74 (higher on 46),
  // palette 0.18 against 0.08 (the price: still well inside the goal of 0.4).
  const smooth = rgbToLab(tf.tidy(() => tf.avgPool(images, 5, 1, 'same').dataSync()))
  const moved = kind === 'moments' ? matchMoments(smooth, palette) : matchHistograms(smooth, palette, slicedRounds, linearLightness)
  for (let i = 0; i < lab.length; i++) lab[i] += moved[i] - smooth[i]
  return tf.tensor4d(labToRgb(lab), images.shape)
}

// x' = μ_t + A·(x − μ_s), A = Σ_s^(−½)·(Σ_s^(½)·Σ_t·Σ_s^(½))^(½)·Σ_s^(−½)
export function matchMoments(source: Float32Array, target: Float32Array): Float32Array {
  const s = moments(subsample(source, samplesPerPalette))
  const t = moments(target)
  // A tiny ridge keeps a flat (single-colour) source invertible.
  const sigmaS = s.covariance.map((row, i) => row.map((v, j) => v + (i === j ? 1e-3 : 0)))
  const rootS = symmetricFunction3(sigmaS, (l) => Math.sqrt(Math.max(l, 0)))
  const inverseRootS = invert3(rootS)
  const middle = symmetricFunction3(multiply3(multiply3(rootS, t.covariance), rootS), (l) => Math.sqrt(Math.max(l, 0)))
  const a = multiply3(multiply3(inverseRootS, middle), inverseRootS)
  const out = new Float32Array(source.length)
  for (let i = 0; i < source.length; i += 3) {
    const d = [source[i] - s.mean[0], source[i + 1] - s.mean[1], source[i + 2] - s.mean[2]]
    for (let c = 0; c < 3; c++) out[i + c] = t.mean[c] + a[c][0] * d[0] + a[c][1] * d[1] + a[c][2] * d[2]
  }
  return out
}

/**
 * Moments first, then `slicedRounds` rounds of 1-D histogram matching along random rotations. The
 * maps are fitted on at most `samplesPerPalette` of the pixels and then applied to all of them, each
 * a lookup table over its direction: a 2048 px picture takes a second or two, not half a minute.
 */
export function matchHistograms(source: Float32Array, target: Float32Array, rounds = slicedRounds, linearLightness = defaultLinearLightness): Float32Array {
  const out = matchMoments(source, target)
  const sample = Float32Array.from(subsample(out, fittingSamples))
  const targetSample = subsample(target, fittingSamples)
  const random = seededRandom(7)
  for (let round = 0; round < rounds; round++) {
    for (const theta of randomRotation(random)) {
      const map = transportTable(quantileFunction(project(sample, theta), quantiles), quantileFunction(project(targetSample, theta), quantiles))
      moveAlong(sample, theta, map)
      moveAlong(out, theta, map)
    }
  }
  // Lightness re-ranked: the L* values the transport produced, handed out in the order of the
  // source's own L*. A painting dark where the photo is light must not turn the photo's lightness
  // inside out: edges then vanish or flip (structure 0.43–0.66 on four of eight recoloured photos).
  // The order is kept, but not the rank map's slope: part of the map is linear (`defaultLinearLightness`).
  const lightness = [1, 0, 0]
  const from = quantileFunction(project(subsample(source, fittingSamples), lightness), quantiles)
  const rank = transportTable(from, blendLightness(from, quantileFunction(project(sample, lightness), quantiles), linearLightness))
  for (let i = 0; i < out.length; i += 3) out[i] = source[i] + shiftAt(rank, source[i])
  return out
}

// to'_k = (1 − w)·to_k + w·(μ_to + (σ_to/σ_from)(from_k − μ_from)), over the quantile tables
function blendLightness(from: Float32Array, to: Float32Array, weight: number): Float32Array {
  const mean = (v: Float32Array): number => v.reduce((sum, x) => sum + x, 0) / v.length
  const deviation = (v: Float32Array, m: number): number => Math.sqrt(v.reduce((sum, x) => sum + (x - m) ** 2, 0) / v.length)
  const [meanFrom, meanTo] = [mean(from), mean(to)]
  const gain = deviation(to, meanTo) / Math.max(deviation(from, meanFrom), Number.MIN_VALUE)
  return to.map((v, k) => (1 - weight) * v + weight * (meanTo + gain * (from[k] - meanFrom)))
}

/** v ↦ v + shift(θᵀv)·θ for every point, shift read from the table. */
function moveAlong(points: Float32Array, theta: readonly number[], map: TransportTable): void {
  for (let i = 0; i < points.length; i += 3) {
    const shift = shiftAt(map, points[i] * theta[0] + points[i + 1] * theta[1] + points[i + 2] * theta[2])
    points[i] += shift * theta[0]
    points[i + 1] += shift * theta[1]
    points[i + 2] += shift * theta[2]
  }
}

function shiftAt({ low, step, shifts }: TransportTable, v: number): number {
  const position = (v - low) / step
  const b = Math.min(shifts.length - 2, Math.max(0, Math.floor(position)))
  const t = Math.min(1, Math.max(0, position - b))
  return shifts[b] + (shifts[b + 1] - shifts[b]) * t
}

/** F_to⁻¹(F_from(v)) − v at v = low + b·step, b = 0 … tableBins − 1. */
interface TransportTable {
  low: number
  step: number
  shifts: Float32Array
}

const tableBins = 4096

/**
 * The 1-D transport v ↦ F_to⁻¹(F_from(v)) (both quantile tables piecewise linear), tabulated on a
 * uniform grid over the source's range so each lookup is one index; beyond the range the end
 * shifts carry on.
 */
function transportTable(from: Float32Array, to: Float32Array): TransportTable {
  const low = from[0]
  const high = from[from.length - 1]
  const step = (high - low) / (tableBins - 1) || 1
  const shifts = new Float32Array(tableBins)
  for (let b = 0, k = 0; b < tableBins; b++) {
    const v = low + b * step
    while (k < from.length - 2 && from[k + 1] <= v) k++
    const span = from[k + 1] - from[k]
    const u = span > 0 ? Math.min(1, Math.max(0, (v - from[k]) / span)) : 0
    shifts[b] = to[k] + (to[k + 1] - to[k]) * u - v
  }
  return { low, step, shifts }
}

function moments(points: Float32Array): { mean: number[]; covariance: Matrix3 } {
  const n = points.length / 3
  const mean = [0, 0, 0]
  for (let i = 0; i < points.length; i += 3) for (let c = 0; c < 3; c++) mean[c] += points[i + c] / n
  const covariance = [0, 1, 2].map(() => [0, 0, 0])
  for (let i = 0; i < points.length; i += 3) {
    for (let a = 0; a < 3; a++) for (let b = a; b < 3; b++) covariance[a][b] += ((points[i + a] - mean[a]) * (points[i + b] - mean[b])) / n
  }
  for (let a = 0; a < 3; a++) for (let b = 0; b < a; b++) covariance[a][b] = covariance[b][a]
  return { mean, covariance }
}

/** Exactly `count` pixels spread evenly over the picture (repeating pixels of a small one). */
function resample(points: Float32Array, count: number): Float32Array {
  const n = points.length / 3
  const out = new Float32Array(count * 3)
  for (let j = 0; j < count; j++) {
    const i = Math.floor((j * n) / count)
    out.set(points.subarray(3 * i, 3 * i + 3), 3 * j)
  }
  return out
}
