import * as tf from '@tensorflow/tfjs'

/**
 * Li, Xu, Nie & Xu, "Laplacian-Steered Neural Style Transfer" (ACM MM 2017): the Gram term lays the
 * painting's strokes over the photo's own edges, and the content layer, deep in the network, does
 * not see fine structure. The Laplacian of the photo, taken after an average pooling, does: G is
 * asked to keep it. The paper pools by p = 4 and p = 16.
 */
const laplacianPoolings = [4, 16] as const

/**
 * D(pool_p(x)) for every p whose pooled picture is large enough for a 3×3 window; x is [1, h, w, c].
 * Written with reshapes and slices: wasm has no gradient kernels for average pooling or depthwise
 * convolution.
 */
export function pooledLaplacians(image: tf.Tensor4D, poolings: readonly number[] = laplacianPoolings): tf.Tensor4D[] {
  const [, height, width] = image.shape
  return poolings.filter((p) => Math.floor(height / p) >= 3 && Math.floor(width / p) >= 3).map((p) => tf.tidy(() => laplacian(averagePool(image, p))))
}

// pool_p(x)_ij = the mean of x over the p×p block (i, j), the last incomplete row and column of blocks left out
function averagePool(image: tf.Tensor4D, p: number): tf.Tensor4D {
  const [, height, width, channels] = image.shape
  const [h, w] = [Math.floor(height / p), Math.floor(width / p)]
  return image
    .slice([0, 0, 0, 0], [1, h * p, w * p, channels])
    .reshape([1, h, p, w, p, channels])
    .mean([2, 4]) as tf.Tensor4D
}

// D(x)_ij = 4·x_ij − x_i−1,j − x_i+1,j − x_i,j−1 − x_i,j+1 (the kernel [[0, −1, 0], [−1, 4, −1], [0, −1, 0]]), interior pixels, per channel
function laplacian(x: tf.Tensor4D): tf.Tensor4D {
  const [, h, w, c] = x.shape
  const at = (dy: number, dx: number): tf.Tensor4D => x.slice([0, 1 + dy, 1 + dx, 0], [1, h - 2, w - 2, c])
  return tf.addN([at(0, 0).mul(4), at(-1, 0).neg(), at(1, 0).neg(), at(0, -1).neg(), at(0, 1).neg()]) as tf.Tensor4D
}

/** The photo's side of the term, fixed for a region: D(pool_p(C)) and 1/‖D(pool_p(C))‖² per pooling. */
export interface LaplacianTarget {
  laplacians: tf.Tensor4D[]
  normalisers: number[]
}

export function laplacianTarget(content: tf.Tensor4D): LaplacianTarget {
  const laplacians = pooledLaplacians(content)
  const normalisers = laplacians.map((d) => {
    const norm = tf.tidy(() => d.square().sum())
    const value = norm.dataSync()[0]
    norm.dispose()
    return 1 / Math.max(value, Number.MIN_VALUE)
  })
  return { laplacians, normalisers }
}

/**
 * J_laplacian = Σ_p ‖D(pool_p(C)) − D(pool_p(G))‖² / ‖D(pool_p(C))‖²: the paper's sum, each pooling
 * divided by the photo's own Laplacian energy (as 'target-norm' does for content), so that λ means
 * the same at every scale and for every photo.
 */
export function laplacianLoss(target: LaplacianTarget, generated: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const laplacians = pooledLaplacians(generated)
    const terms = laplacians.map((d, i) => tf.squaredDifference(target.laplacians[i], d).sum().mul(target.normalisers[i]))
    return (terms.length > 0 ? tf.addN(terms) : tf.scalar(0)) as tf.Scalar
  })
}
