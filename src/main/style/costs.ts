import * as tf from '@tensorflow/tfjs'
import type { CostWeights, Normaliser } from '../../shared/api/style'

/**
 * 'target-norm' is the default: every layer's term starts near 1 whatever the network and size,
 * which is what the measured settings in notes/style-offline-networks.md (style weight 30–100,
 * content weight 1) assume. 'none' grows with the fourth power of activations.
 */

// J_content = ½‖a(C) − a(G)‖²
export function contentCost(target: tf.Tensor, generated: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.squaredDifference(target, generated).sum().mul(0.5))
}

/**
 * The factor in front of ½‖a(C) − a(G)‖² for a normaliser. 'target-norm' makes the term the relative
 * squared error ‖a(C) − a(G)‖²/‖a(C)‖² (the ½ dropped, as measured in the notes).
 */
export function contentNormaliser(kind: Normaliser, target: tf.Tensor): number {
  if (kind !== 'target-norm') return 1
  return 2 / Math.max(squaredNorm(target), Number.MIN_VALUE)
}

// G = AᵀA with A the activations as rows [n_H·n_W, n_C], and dJ/dA = A·(dG + dGᵀ) written out:
// tfjs differentiates matMul(A, A, transposeA) through products with transposed operands, which
// wasm runs about ten times slower than plain ones (0.22 s against 0.02 s at 16128 × 96).
const gramOfRows = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const a = args[0] as tf.Tensor2D
  const save = args[1] as tf.GradSaveFunc
  save([a])
  return {
    value: tf.matMul(tf.transpose(a), a),
    gradFunc: (dG: tf.Tensor, saved: tf.Tensor[]) => tf.matMul(saved[0] as tf.Tensor2D, tf.add<tf.Tensor2D>(dG, tf.transpose(dG)))
  }
}) as (a: tf.Tensor2D) => tf.Tensor2D

// G_kk' = Σ_i Σ_j a_ijk · a_ijk'
export function gramMatrix(activations: tf.Tensor): tf.Tensor2D {
  return tf.tidy(() => {
    const channels = activations.shape[activations.shape.length - 1]
    return gramOfRows(activations.reshape([-1, channels]) as tf.Tensor2D)
  })
}

// J_style[l] = normaliser · ‖G(S) − G(G)‖²_F
export function styleLayerCost(targetGram: tf.Tensor2D, generatedGram: tf.Tensor2D, normaliser: number): tf.Scalar {
  return tf.tidy(() => tf.squaredDifference(targetGram, generatedGram).sum().mul(normaliser))
}

/**
 * The normaliser of one style layer, a number because targets are fixed for a whole scale.
 * `activationShape` is the generated image's [.., n_H, n_W, n_C] at that layer. `centred` measures
 * the target's norm about its mean: softmax-transformed (SWAG) Grams sit near a constant, and
 * dividing by their plain norm lets style and content collapse (notes, SWAG).
 */
export function styleNormaliser(kind: Normaliser, targetGram: tf.Tensor2D, activationShape: readonly number[], centred = false): number {
  if (kind === 'none') return 1
  if (kind === 'seed') {
    const [nH, nW, nC] = activationShape.slice(-3)
    return 1 / (2 * nH * nW * nC) ** 2
  }
  const norm = centred ? tf.tidy(() => squaredNorm(targetGram.sub(targetGram.mean()))) : squaredNorm(targetGram)
  return 1 / Math.max(norm, Number.MIN_VALUE)
}

// J_style = Σ_l λ_l · J_style[l]
export function styleCost(layerCosts: readonly tf.Scalar[], lambdas: readonly number[]): tf.Scalar {
  return tf.tidy(() => tf.addN(layerCosts.map((cost, l) => cost.mul(lambdas[l]))) as tf.Scalar)
}

/**
 * TV(G) = (1/(n_H·n_W)) Σ_ij [(G_i+1,j − G_ij)² + (G_i,j+1 − G_ij)²], summed over colour channels.
 * A mean over pixels rather than the usual sum, so that γ means the same at every scale of the
 * coarse-to-fine schedule. Takes [h, w, c] or [n, h, w, c].
 */
export function totalVariation(image: tf.Tensor3D | tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => {
    const x = image.rank === 3 ? (image as tf.Tensor3D).expandDims(0) : (image as tf.Tensor4D)
    const [, h, w] = x.shape
    const down = tf.squaredDifference(x.slice([0, 1, 0, 0], [-1, h - 1, -1, -1]), x.slice([0, 0, 0, 0], [-1, h - 1, -1, -1]))
    const right = tf.squaredDifference(x.slice([0, 0, 1, 0], [-1, -1, w - 1, -1]), x.slice([0, 0, 0, 0], [-1, -1, w - 1, -1]))
    return down.sum().add(right.sum()).div(h * w)
  })
}

// J(G) = α·J_content + β·J_style + γ·TV
export function totalCost(weights: CostWeights, content: tf.Scalar, style: tf.Scalar, tv: tf.Scalar): tf.Scalar {
  return tf.tidy(() => content.mul(weights.content).add(style.mul(weights.style)).add(tv.mul(weights.tv)))
}

function squaredNorm(x: tf.Tensor): number {
  const s = tf.tidy(() => x.square().sum())
  const value = s.dataSync()[0]
  s.dispose()
  return value
}
