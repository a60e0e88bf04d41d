import * as tf from '@tensorflow/tfjs'

/**
 * How a kernel's output reads: 'clip' for weights summing to one (the output is still an
 * intensity in [0, 1]), 'signed' for weights summing to zero (edges, change: zero means
 * nothing happens here), 'stretch' for random weights (no natural scale at all).
 */
export type KernelDisplay = 'clip' | 'signed' | 'stretch'

/** A filter laid out as tf.conv1d / conv2d / conv3d take it: [...kernel sides, in channels, out channels]. */
export interface LabKernel {
  name: string
  shape: number[]
  weights: Float32Array
  display: KernelDisplay
}

const signalKernelNames = ['edge', 'box', 'gaussian', 'random'] as const
const photoKernelNames = ['sobelX', 'sobelY', 'blur', 'sharpen', 'random'] as const
const volumeKernelNames = ['temporalDifference', 'smooth'] as const
export type SignalKernelName = (typeof signalKernelNames)[number]
export type PhotoKernelName = (typeof photoKernelNames)[number]
export type VolumeKernelName = (typeof volumeKernelNames)[number]

// tf convolutions are cross-correlations: [−1, 0, 1] gives x[i+1] − x[i−1], rising where the signal rises.
const edge = [-1, 0, 1]
// Binomial weights, the integer approximation of a Gaussian: [1, 2, 1] / 4 and [1, 4, 6, 4, 1] / 16.
const binomial3 = [1, 2, 1].map((w) => w / 4)
const binomial5 = [1, 4, 6, 4, 1].map((w) => w / 16)

// g(i) = exp(−i² / 2σ²) / Σ, i = −3σ … 3σ
function gaussianTaps(sigma: number): number[] {
  const radius = Math.ceil(3 * sigma)
  const taps = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)))
  const total = taps.reduce((sum, tap) => sum + tap, 0)
  return taps.map((tap) => tap / total)
}

// w ~ N(0, 1 / fan_in): the scale of a freshly initialised layer, so outputs stay of the input's order
function seededRandom(shape: number[], seed: number): Float32Array {
  const fanIn = shape.slice(0, -1).reduce((product, side) => product * side, 1)
  const weights = tf.randomNormal(shape, 0, 1 / Math.sqrt(fanIn), 'float32', seed)
  const values = weights.dataSync() as Float32Array
  weights.dispose()
  return values
}

function outer(rows: number[], columns: number[]): number[][] {
  return rows.map((r) => columns.map((c) => r * c))
}

/** A 1D kernel over a one-channel signal: shape [k, 1, 1]. */
export function signalKernel(name: SignalKernelName, seed = 1): LabKernel {
  const taps: Record<Exclude<SignalKernelName, 'random'>, [number[], KernelDisplay]> = {
    edge: [edge, 'signed'],
    box: [Array<number>(5).fill(1 / 5), 'clip'],
    gaussian: [gaussianTaps(1.5), 'clip']
  }
  if (name === 'random') return { name, shape: [5, 1, 1], weights: seededRandom([5, 1, 1], seed), display: 'stretch' }
  const [weights, display] = taps[name]
  return { name, shape: [weights.length, 1, 1], weights: Float32Array.from(weights), display }
}

/**
 * A 2D kernel over RGB: shape [k, k, 3, 3]. The named kernels filter each colour channel by
 * itself (weights only on the channel diagonal); the random one mixes colours as a learned
 * first layer does.
 */
export function photoKernel(name: PhotoKernelName, seed = 1): LabKernel {
  if (name === 'random') return { name, shape: [3, 3, 3, 3], weights: seededRandom([3, 3, 3, 3], seed), display: 'stretch' }
  const planes: Record<Exclude<PhotoKernelName, 'random'>, [number[][], KernelDisplay]> = {
    sobelX: [outer([1, 2, 1], edge), 'signed'],
    sobelY: [outer(edge, [1, 2, 1]), 'signed'],
    blur: [outer(binomial5, binomial5), 'clip'],
    sharpen: [[[0, -1, 0], [-1, 5, -1], [0, -1, 0]], 'clip']
  }
  const [plane, display] = planes[name]
  const k = plane.length
  const weights = new Float32Array(k * k * 9)
  for (let y = 0; y < k; y++) {
    for (let x = 0; x < k; x++) {
      for (let channel = 0; channel < 3; channel++) weights[((y * k + x) * 3 + channel) * 3 + channel] = plane[y][x]
    }
  }
  return { name, shape: [k, k, 3, 3], weights, display }
}

/**
 * A 3D kernel over a one-channel volume [depth, height, width]. With frames stacked as depth,
 * 'temporalDifference' ([−1, 1] along depth) is next frame minus this one: zero wherever nothing
 * moved. 'smooth' is a 3×3×3 binomial blur across space and time.
 */
export function volumeKernel(name: VolumeKernelName): LabKernel {
  if (name === 'temporalDifference') return { name, shape: [2, 1, 1, 1, 1], weights: Float32Array.from([-1, 1]), display: 'signed' }
  const weights = binomial3.flatMap((d) => binomial3.flatMap((h) => binomial3.map((w) => d * h * w)))
  return { name, shape: [3, 3, 3, 1, 1], weights: Float32Array.from(weights), display: 'clip' }
}
