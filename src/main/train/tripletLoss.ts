import * as tf from '@tensorflow/tfjs'

const defaultAlpha = 0.2

/** Rows scaled to unit length, so ‖f(A) − f(N)‖² lies in [0, 4] and α means the same for every encoder. */
export function l2Normalise(embeddings: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.div(embeddings, tf.norm(embeddings, 'euclidean', 1, true).maximum(1e-12)))
}

// L(A,P,N) = max(‖f(A)−f(P)‖² − ‖f(A)−f(N)‖² + α, 0), one value per triplet (row)
export function tripletLoss(anchor: tf.Tensor2D, positive: tf.Tensor2D, negative: tf.Tensor2D, alpha = defaultAlpha): tf.Tensor1D {
  return tf.tidy(() => {
    const toPositive = tf.sum(tf.squaredDifference(anchor, positive), 1)
    const toNegative = tf.sum(tf.squaredDifference(anchor, negative), 1)
    return tf.relu(toPositive.sub(toNegative).add(alpha)) as tf.Tensor1D
  })
}

/** Indices into a batch of embeddings: which row is the anchor, the positive, the negative. */
export interface Triplet {
  anchor: number
  positive: number
  negative: number
}

// J = Σ L(A⁽ⁱ⁾, P⁽ⁱ⁾, N⁽ⁱ⁾) over the batch's triplets, on L2-normalised embeddings
export function batchTripletCost(embeddings: tf.Tensor2D, triplets: readonly Triplet[], alpha = defaultAlpha): { cost: tf.Scalar; losses: tf.Tensor1D } {
  return tf.tidy(() => {
    const unit = l2Normalise(embeddings)
    // A one-hot product rather than tf.gather: gather's gradient needs UnsortedSegmentSum, which wasm lacks.
    const pick = (key: keyof Triplet): tf.Tensor2D =>
      tf.matMul(tf.oneHot(tf.tensor1d(triplets.map((t) => t[key]), 'int32'), unit.shape[0]).toFloat(), unit)
    const losses = tripletLoss(pick('anchor'), pick('positive'), pick('negative'), alpha)
    return { cost: tf.sum(losses) as tf.Scalar, losses }
  })
}

/** ‖u_i − u_j‖² between every pair of L2-normalised rows, as 2 − 2 u_i·u_j. */
export function squaredDistanceMatrix(embeddings: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const unit = l2Normalise(embeddings)
    return tf.scalar(2).sub(tf.matMul(unit, unit, false, true).mul(2)).maximum(0) as tf.Tensor2D
  })
}
