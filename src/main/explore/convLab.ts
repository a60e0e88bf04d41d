import * as tf from '@tensorflow/tfjs'
import { LikenessError } from '../../shared/errors'
import type { ConvDimensions, ConvLayerResult, ConvPadding, ConvStackSpec } from '../../shared/api/explore'

/** The seed's examples: two layers each, 16 then 32 filters of side 5, stride 1, no padding. */
export const seedStacks: Record<'conv1d' | 'conv2d' | 'conv3d', ConvStackSpec> = {
  conv1d: { dimensions: 1, input: [14, 1], layers: [{ filters: 16, kernel: 5 }, { filters: 32, kernel: 5 }] },
  conv2d: { dimensions: 2, input: [14, 14, 3], layers: [{ filters: 16, kernel: 5 }, { filters: 32, kernel: 5 }] },
  conv3d: { dimensions: 3, input: [14, 14, 14, 1], layers: [{ filters: 16, kernel: 5 }, { filters: 32, kernel: 5 }] }
}

/** Beyond this many values in one tensor the lab is no longer a lab; the wasm heap would suffer first. */
const maxTensorValues = 1 << 24

/**
 * Runs the stack on the engine, on zeros of the given shapes, and reports what came out: the
 * shapes are tf's own, not n_out = ⌊(n + 2p − k) / s⌋ + 1 worked on paper.
 */
export function convStackShapes(spec: ConvStackSpec): ConvLayerResult[] {
  checkStack(spec)
  const shapes: ConvLayerResult[] = []
  let inputShape = spec.input
  for (const [index, layer] of spec.layers.entries()) {
    const channels = inputShape[inputShape.length - 1]
    const filterShape = [...Array<number>(spec.dimensions).fill(layer.kernel), channels, layer.filters]
    checkSize(filterShape, `the filters of layer ${index + 1}`)
    if ((layer.padding ?? 'valid') === 'valid' && inputShape.slice(0, -1).some((side) => side < layer.kernel)) {
      throw new LikenessError('BadRequest', `Layer ${index + 1}'s kernel is larger than its input.`, { layer: index + 1, inputShape, kernel: layer.kernel })
    }
    const outputShape = tf.tidy(() => {
      const output = convolve(tf.zeros([1, ...inputShape]), tf.zeros(filterShape), spec.dimensions, layer.stride ?? 1, layer.padding ?? 'valid')
      return output.shape.slice(1)
    })
    checkSize(outputShape, `the output of layer ${index + 1}`)
    // weights = k^d · c_in · filters, biases = filters
    const weights = filterShape.reduce((product, side) => product * side, 1)
    shapes.push({ inputShape, filterShape, outputShape, parameters: { weights, biases: layer.filters, total: weights + layer.filters } })
    inputShape = outputShape
  }
  return shapes
}

/** tf.conv1d / conv2d / conv3d by the number of spatial axes; x and filter carry the batch and channel axes. */
export function convolve(x: tf.Tensor, filter: tf.Tensor, dimensions: ConvDimensions, stride: number, padding: ConvPadding): tf.Tensor {
  if (dimensions === 1) return tf.conv1d(x as tf.Tensor3D, filter as tf.Tensor3D, stride, padding)
  if (dimensions === 2) return tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, stride, padding)
  return tf.conv3d(x as tf.Tensor5D, filter as tf.Tensor5D, stride, padding)
}

function checkStack(spec: ConvStackSpec): void {
  if (![1, 2, 3].includes(spec.dimensions)) {
    throw new LikenessError('BadRequest', 'Convolutions here are 1D, 2D or 3D.', { dimensions: spec.dimensions })
  }
  if (spec.input.length !== spec.dimensions + 1 || !spec.input.every(isPositiveInteger)) {
    throw new LikenessError('BadRequest', `A ${spec.dimensions}D input is ${spec.dimensions} sizes and a channel count, all whole and positive.`, {
      input: spec.input
    })
  }
  checkSize(spec.input, 'the input')
  for (const [index, layer] of spec.layers.entries()) {
    const whole = [layer.filters, layer.kernel, layer.stride ?? 1].every(isPositiveInteger)
    if (!whole || !['valid', 'same'].includes(layer.padding ?? 'valid')) {
      throw new LikenessError('BadRequest', `Layer ${index + 1} needs whole positive filters, kernel and stride, and 'valid' or 'same' padding.`, {
        layer: index + 1
      })
    }
  }
}

function checkSize(shape: number[], what: string): void {
  if (shape.reduce((product, side) => product * side, 1) > maxTensorValues) {
    throw new LikenessError('TooBigForBackend', `The sizes asked for make ${what} too large for the lab.`, { shape })
  }
}

function isPositiveInteger(value: number): boolean {
  return Number.isInteger(value) && value > 0
}
