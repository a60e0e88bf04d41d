import * as tf from '@tensorflow/tfjs'
import h5wasm, { Dataset, Group } from 'h5wasm/node'
import { closeSync, existsSync, openSync, readSync } from 'node:fs'
import { LikenessError } from '../../../shared/errors'

export interface ConvWeights {
  /** [3, 3, in, out], TensorFlow's ordering ("tf_kernels"). */
  filter: tf.Tensor4D
  bias: tf.Tensor1D
}

/** Every dataset under a layer's group, however deep: Keras 2.0 wrote block1_conv1/block1_conv1_W_1:0, later Keras block1_conv1/block1_conv1/kernel:0. */
function datasetsUnder(group: Group): Dataset[] {
  const found: Dataset[] = []
  for (const key of group.keys()) {
    const entry = group.get(key)
    if (entry instanceof Dataset) found.push(entry)
    else if (entry instanceof Group) found.push(...datasetsUnder(entry))
  }
  return found
}

function damaged(layer: string, why: string): LikenessError {
  return new LikenessError('ModelUnavailable', `The VGG19 weight file is not usable: ${layer} ${why}.`, { layer })
}

function floats(dataset: Dataset): Float32Array {
  const value = dataset.value
  if (value instanceof Float32Array) return value
  if (value instanceof Float64Array) return Float32Array.from(value)
  throw new LikenessError('ModelUnavailable', `The VGG19 weight ${dataset.path} is not floating point.`)
}

/** One conv layer's kernel (the 4-D dataset) and bias (the 1-D one), checked against the width that feeds it. */
function readConv(file: Group, layer: string, inChannels: number): ConvWeights {
  const group = file.get(layer)
  if (!(group instanceof Group)) throw damaged(layer, 'is missing')
  const datasets = datasetsUnder(group)
  const kernel = datasets.find((dataset) => dataset.shape?.length === 4)
  const bias = datasets.find((dataset) => dataset.shape?.length === 1)
  if (!kernel || !bias) throw damaged(layer, 'lacks a kernel or a bias')
  const [kh, kw, cin, cout] = kernel.shape!
  if (kh !== 3 || kw !== 3 || cin !== inChannels || bias.shape![0] !== cout) {
    throw damaged(layer, `has kernel ${kernel.shape!.join('×')} and bias ${bias.shape!.join('×')} where 3×3×${inChannels}×n and n were expected`)
  }
  return { filter: tf.tensor4d(floats(kernel), [kh, kw, cin, cout]), bias: tf.tensor1d(floats(bias)) }
}

/** HDF5's format signature; h5wasm opens any file without complaint and fails later, noisily. */
const hdf5Signature = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])

function isHdf5(filePath: string): boolean {
  const head = Buffer.alloc(hdf5Signature.length)
  const fd = openSync(filePath, 'r')
  try {
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(hdf5Signature)
  } finally {
    closeSync(fd)
  }
}

/** The named conv layers of a Keras VGG .h5 file, in order, each fed by the previous one's width. */
export async function readVggConvWeights(filePath: string, layers: readonly string[]): Promise<ConvWeights[]> {
  if (!existsSync(filePath)) throw new LikenessError('ModelUnavailable', 'VGG19 is not installed.', { filePath })
  if (!isHdf5(filePath)) throw new LikenessError('ModelUnavailable', 'The VGG19 weight file is not an HDF5 file.', { filePath })
  await h5wasm.ready
  const file = new h5wasm.File(filePath, 'r')
  const read: ConvWeights[] = []
  try {
    let inChannels = 3
    for (const layer of layers) {
      const weights = readConv(file, layer, inChannels)
      read.push(weights)
      inChannels = weights.filter.shape[3]
    }
    return read
  } catch (error) {
    tf.dispose(read.flatMap((weights) => [weights.filter, weights.bias]))
    if (error instanceof LikenessError) throw error
    throw new LikenessError('ModelUnavailable', 'The VGG19 weight file could not be read.', { cause: String(error) })
  } finally {
    file.close()
  }
}
