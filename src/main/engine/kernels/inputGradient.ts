import * as tf from '@tensorflow/tfjs'
import { dilateSpatially, transposedConvPadding, type ConvInfo } from './convGeometry'

/**
 * The kernel a conv's input gradient correlates with: rotated 180° and with in/out channels
 * swapped, [kh, kw, in, out] → [kh, kw, out, in]. Frozen networks compute it once per layer.
 */
export function flipConvFilter(filter: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => filter.reverse([0, 1]).transpose([0, 1, 3, 2]))
}

/** Depthwise [kh, kw, C, m] → rotated 180°, one channel per (c, j) pair: [kh, kw, C·m, 1]. */
export function flipDepthwiseFilter(filter: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, channels, multiplier] = filter.shape
  return tf.tidy(() => filter.reverse([0, 1]).reshape([kh, kw, channels * multiplier, 1]))
}

// dx = corr(pad(dilate_s(dy)), rot180(W)ᵀ) — the transpose of y = corr(pad(x), W, stride s) as a
// forward conv, because wasm's Conv2DBackpropInput runs at 3 GFLOP/s against 33 for Conv2D.
export function conv2dInputGradient(dy: tf.Tensor4D, flippedFilter: tf.Tensor4D, info: ConvInfo): tf.Tensor4D {
  return tf.tidy(() => {
    const dilated = dilateSpatially(dy, info.strideHeight, info.strideWidth)
    const padded = transposedConvPadding(dilated, info)
    return tf.conv2d(padded.dy, flippedFilter, 1, padded.pad)
  })
}

// dx[c] = Σ_j corr(pad(dilate_s(dy[c·m + j])), rot180(W[:, :, c, j])) — per channel, as a depthwise conv.
export function depthwiseInputGradient(dy: tf.Tensor4D, flippedFilter: tf.Tensor4D, info: ConvInfo): tf.Tensor4D {
  return tf.tidy(() => {
    const dilated = dilateSpatially(dy, info.strideHeight, info.strideWidth)
    const padded = transposedConvPadding(dilated, info)
    const perOutput = tf.depthwiseConv2d(padded.dy, flippedFilter, 1, padded.pad)
    const multiplier = info.outChannels / info.inChannels
    if (multiplier === 1) return perOutput
    const [batch, height, width] = perOutput.shape
    return perOutput.reshape([batch, height, width, info.inChannels, multiplier]).sum(-1) as tf.Tensor4D
  })
}
