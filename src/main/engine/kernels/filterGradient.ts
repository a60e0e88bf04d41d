import * as tf from '@tensorflow/tfjs'
import type { ConvInfo } from './convGeometry'

/** The input pixels that tap (a, b) of the kernel saw at every output position: x_pad[n, i·s + a, j·s + b, :]. */
function tapView(paddedX: tf.Tensor4D, a: number, b: number, info: ConvInfo): tf.Tensor4D {
  const { batchSize, outHeight, outWidth, strideHeight, strideWidth, inChannels } = info
  return tf.stridedSlice(
    paddedX,
    [0, a, b, 0],
    [batchSize, a + (outHeight - 1) * strideHeight + 1, b + (outWidth - 1) * strideWidth + 1, inChannels],
    [1, strideHeight, strideWidth, 1]
  ) as tf.Tensor4D
}

function padInput(x: tf.Tensor4D, info: ConvInfo): tf.Tensor4D {
  const { top, bottom, left, right } = info.padInfo
  return x.pad([[0, 0], [top, bottom], [left, right], [0, 0]])
}

// dW[a, b] = Σ_{n,i,j} x_pad[n, i·s + a, j·s + b, :]ᵀ · dy[n, i, j, :] — one matrix product per kernel tap.
export function conv2dFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, info: ConvInfo): tf.Tensor4D {
  const { filterHeight, filterWidth, inChannels, outChannels } = info
  return tf.tidy(() => {
    const paddedX = padInput(x, info)
    const dyRows = dy.reshape([-1, outChannels]) as tf.Tensor2D
    const taps: tf.Tensor2D[] = []
    for (let a = 0; a < filterHeight; a++) {
      for (let b = 0; b < filterWidth; b++) {
        taps.push(tf.matMul(tapView(paddedX, a, b, info).reshape([-1, inChannels]) as tf.Tensor2D, dyRows, true, false))
      }
    }
    return tf.stack(taps).reshape([filterHeight, filterWidth, inChannels, outChannels])
  })
}

// dW[a, b, c, j] = Σ_{n,i,j'} x_pad[n, i·s + a, j'·s + b, c] · dy[n, i, j', c·m + j]
export function depthwiseFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, info: ConvInfo): tf.Tensor4D {
  const { filterHeight, filterWidth, inChannels, outChannels, batchSize, outHeight, outWidth } = info
  const multiplier = outChannels / inChannels
  return tf.tidy(() => {
    const paddedX = padInput(x, info)
    const dyPerChannel = dy.reshape([batchSize, outHeight, outWidth, inChannels, multiplier])
    const taps: tf.Tensor[] = []
    for (let a = 0; a < filterHeight; a++) {
      for (let b = 0; b < filterWidth; b++) {
        const seen = tapView(paddedX, a, b, info).expandDims(4)
        taps.push(seen.mul(dyPerChannel).sum([0, 1, 2]))
      }
    }
    return tf.stack(taps).reshape([filterHeight, filterWidth, inChannels, multiplier])
  })
}
