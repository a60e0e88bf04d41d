import * as tf from '@tensorflow/tfjs'
import { dilateSpatially, transposedConvPadding, type ConvInfo } from './convGeometry'

/**
 * The kernel a conv's input gradient correlates with: rotated 180° and with in/out channels
 * swapped, flipped[a, b, o, i] = W[kh−1−a, kw−1−b, i, o]. Done on the host: wasm's Reverse
 * runs at ~10 M values/s, which made loading InceptionV3 take 6 s.
 */
export function flipConvFilter(filter: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, inChannels, outChannels] = filter.shape
  const source = filter.dataSync()
  const flipped = new Float32Array(source.length)
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      const from = ((kh - 1 - a) * kw + (kw - 1 - b)) * inChannels * outChannels
      const to = (a * kw + b) * inChannels * outChannels
      for (let i = 0; i < inChannels; i++) {
        for (let o = 0; o < outChannels; o++) flipped[to + o * inChannels + i] = source[from + i * outChannels + o]
      }
    }
  }
  return tf.tensor4d(flipped, [kh, kw, outChannels, inChannels])
}

/** Depthwise [kh, kw, C, m] → rotated 180°, one channel per (c, j) pair: [kh, kw, C·m, 1]. */
export function flipDepthwiseFilter(filter: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, channels, multiplier] = filter.shape
  const source = filter.dataSync()
  const flipped = new Float32Array(source.length)
  const perTap = channels * multiplier
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      const from = ((kh - 1 - a) * kw + (kw - 1 - b)) * perTap
      flipped.set(source.subarray(from, from + perTap), (a * kw + b) * perTap)
    }
  }
  return tf.tensor4d(flipped, [kh, kw, perTap, 1])
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
