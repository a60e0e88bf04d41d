import * as tf from '@tensorflow/tfjs'
import { convInfo } from './convGeometry'
import { conv2dInputGradient, depthwiseInputGradient, flipConvFilter, flipDepthwiseFilter } from './inputGradient'

export type ConvActivation = 'linear' | 'relu' | 'relu6'

export interface FrozenConvParams {
  depthwise: boolean
  /** [kh, kw, in, out]; depthwise [kh, kw, C, multiplier]. */
  filter: tf.Tensor4D
  bias: tf.Tensor1D
  strides: number
  pad: 'same' | 'valid'
  activation: ConvActivation
}

/** A convolution with fixed weights: its kernel flipped once, for the image gradient. */
export interface FrozenConv extends FrozenConvParams {
  flippedFilter: tf.Tensor4D
  /** conv + bias + activation in one fused op; differentiable with respect to x only. */
  apply(x: tf.Tensor4D): tf.Tensor4D
}

// ∂relu(z)/∂z = [y > 0]; ∂relu6(z)/∂z = [0 < y < 6], read from the output y so that z need not be kept.
function throughActivation(dy: tf.Tensor4D, y: tf.Tensor4D, activation: ConvActivation): tf.Tensor4D {
  if (activation === 'linear') return dy
  const open = activation === 'relu' ? tf.step(y) : tf.step(y).mul(tf.step(tf.sub(6, y)))
  return dy.mul(open)
}

function fusedForward(x: tf.Tensor4D, conv: FrozenConvParams): tf.Tensor4D {
  const args = { x, filter: conv.filter, bias: conv.bias, strides: conv.strides, pad: conv.pad, activation: conv.activation }
  return conv.depthwise ? tf.fused.depthwiseConv2d(args) : tf.fused.conv2d(args)
}

/**
 * Weights are constants, so the custom gradient is taken with respect to the image alone: no
 * filter gradient is computed (wasm has no kernel for it, and the studio never wants it), and
 * the image gradient is a forward conv with the flipped kernel (see inputGradient.ts).
 */
export function freezeConv(params: FrozenConvParams): FrozenConv {
  const flippedFilter = params.depthwise ? flipDepthwiseFilter(params.filter) : flipConvFilter(params.filter)
  const withImageGradient = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor4D
    const save = args[1] as tf.GradSaveFunc
    const y = fusedForward(x, params)
    save([y])
    return {
      value: y,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const info = convInfo(x.shape, params.filter.shape, params.strides, params.pad, params.depthwise)
        const dz = throughActivation(dy, saved[0] as tf.Tensor4D, params.activation)
        return params.depthwise ? depthwiseInputGradient(dz, flippedFilter, info) : conv2dInputGradient(dz, flippedFilter, info)
      }
    }
  })
  return { ...params, flippedFilter, apply: (x) => withImageGradient(x) as tf.Tensor4D }
}

export function disposeFrozenConv(conv: FrozenConv): void {
  tf.dispose([conv.filter, conv.bias, conv.flippedFilter])
}
