import * as tf from '@tensorflow/tfjs'
import type { RgbImage } from '../image/decode'
import { imageToTensor } from '../image/tensor'
import { LikenessError } from '../../shared/errors'
import { convolve } from './convLab'
import type { KernelDisplay, LabKernel } from './convKernels'
import type { ValueRange } from './featureMaps'
import type { ConvPadding } from '../../shared/api/explore'

/** A one-channel volume, [depth][height][width] row-major: webcam frames stacked in time, or CT slices. */
export interface Volume {
  depth: number
  height: number
  width: number
  data: Float32Array
}

/** Values turned into bytes the way their kernel reads, with the range that was mapped. */
export interface DisplayBytes {
  bytes: Uint8Array
  range: ValueRange
}

// 'clip': 255·v; 'signed': 128 + 127·v / max|v| (zero is mid-grey); 'stretch': 255·(v − min) / (max − min)
function displayBytes(values: Float32Array, display: KernelDisplay): DisplayBytes {
  let min = Infinity
  let max = -Infinity
  for (const value of values) {
    min = Math.min(min, value)
    max = Math.max(max, value)
  }
  const largest = Math.max(Math.abs(min), Math.abs(max))
  const toByte: Record<KernelDisplay, (value: number) => number> = {
    clip: (value) => 255 * value,
    signed: (value) => (largest > 0 ? 128 + (127 * value) / largest : 128),
    stretch: (value) => (max > min ? (255 * (value - min)) / (max - min) : 0)
  }
  const map = toByte[display]
  const bytes = new Uint8Array(values.length)
  for (let i = 0; i < values.length; i++) bytes[i] = Math.min(255, Math.max(0, Math.round(map(values[i]))))
  return { bytes, range: { min, max } }
}

function filterOf(kernel: LabKernel, dimensions: number): tf.Tensor {
  if (kernel.shape.length !== dimensions + 2) {
    throw new LikenessError('BadRequest', `The ${kernel.name} kernel is not a ${dimensions}D kernel.`, { shape: kernel.shape })
  }
  return tf.tensor(kernel.weights, kernel.shape)
}

/** A 1D signal (brightness over time, audio samples) through a [k, 1, 1] kernel with tf.conv1d. */
export function convolveSignal(signal: Float32Array, kernel: LabKernel, padding: ConvPadding = 'same'): Float32Array {
  const output = tf.tidy(() => convolve(tf.tensor3d(signal, [1, signal.length, 1]), filterOf(kernel, 1), 1, 1, padding))
  const values = output.dataSync() as Float32Array
  output.dispose()
  return values
}

/** A photo through a [k, k, 3, 3] kernel with tf.conv2d, as a picture and the range of raw outputs. */
export function convolvePhoto(image: RgbImage, kernel: LabKernel, padding: ConvPadding = 'same'): { image: RgbImage; range: ValueRange } {
  const output = tf.tidy(() => convolve(imageToTensor(image).expandDims(0), filterOf(kernel, 2), 2, 1, padding))
  const [, height, width] = output.shape
  const { bytes, range } = displayBytes(output.dataSync() as Float32Array, kernel.display)
  output.dispose()
  return { image: { width, height, data: bytes }, range }
}

// Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601 luma), in [0, 1]
export function volumeFromFrames(frames: readonly RgbImage[]): Volume {
  if (frames.length === 0) throw new LikenessError('BadRequest', 'A volume needs at least one frame.')
  const { width, height } = frames[0]
  if (frames.some((frame) => frame.width !== width || frame.height !== height)) {
    throw new LikenessError('BadRequest', 'All frames of a volume must have the same size.', { width, height })
  }
  const data = new Float32Array(frames.length * height * width)
  frames.forEach((frame, d) => {
    for (let i = 0; i < width * height; i++) {
      const rgb = frame.data.subarray(i * 3, i * 3 + 3)
      data[d * width * height + i] = (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]) / 255
    }
  })
  return { depth: frames.length, height, width, data }
}

/**
 * A volume through a [kd, kh, kw, 1, 1] kernel with tf.conv3d. 'valid' by default: padding the
 * time axis would invent a last frame of black, and with it motion that never happened.
 */
export function convolveVolume(volume: Volume, kernel: LabKernel, padding: ConvPadding = 'valid'): Volume {
  const sides = [volume.depth, volume.height, volume.width]
  if (padding === 'valid' && kernel.shape.slice(0, 3).some((side, axis) => side > sides[axis])) {
    throw new LikenessError('BadRequest', `The volume is too small for the ${kernel.name} kernel.`, { volume: sides, kernel: kernel.shape })
  }
  const output = tf.tidy(() =>
    convolve(tf.tensor5d(volume.data, [1, volume.depth, volume.height, volume.width, 1]), filterOf(kernel, 3), 3, 1, padding)
  )
  const [, depth, height, width] = output.shape
  const data = output.dataSync() as Float32Array
  output.dispose()
  return { depth, height, width, data }
}

/** Every depth slice as a grey picture, on one scale for the whole volume so slices compare. */
export function volumeSlices(volume: Volume, display: KernelDisplay): { slices: RgbImage[]; range: ValueRange } {
  const { bytes, range } = displayBytes(volume.data, display)
  const area = volume.height * volume.width
  const slices = Array.from({ length: volume.depth }, (_, d) => {
    const data = new Uint8Array(area * 3)
    for (let i = 0; i < area; i++) data.fill(bytes[d * area + i], i * 3, i * 3 + 3)
    return { width: volume.width, height: volume.height, data }
  })
  return { slices, range }
}
