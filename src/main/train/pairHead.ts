import * as tf from '@tensorflow/tfjs'
import { LikenessError } from '../../shared/errors'
import { Adam, adamDefaults } from '../engine/adam'
import type { PairFeatureName } from '../../shared/api/train'
import { allPairs } from '../face/calibrate'
import { shuffled, type Random } from '../engine/random'

export type PairFeature = PairFeatureName

/** ŷ = σ(Σ w_k·φ_k(f1, f2) + b): the seed's verification as binary classification. */
export interface PairHead {
  feature: PairFeature
  weights: Float32Array
  bias: number
}

/**
 * dlib's embeddings have negative components, where (f1 − f2)²/(f1 + f2) has no meaning (and a
 * zero or negative denominator). χ² is taken on the shifted unit embedding s = f/‖f‖ + 1, whose
 * components lie in [0, 2]; ε keeps the denominator off zero where both are 0.
 */
const chiSquareShift = 1
const chiSquareEpsilon = 1e-6

/** What a template or probe becomes once, before any comparison: unit length, shifted for χ². */
export function pairInput(embedding: ArrayLike<number>, feature: PairFeature): Float32Array {
  let norm = 0
  for (let k = 0; k < embedding.length; k++) norm += embedding[k]! ** 2
  norm = Math.sqrt(norm) || 1
  const shift = feature === 'chi2' ? chiSquareShift : 0
  return Float32Array.from(embedding, (v) => v / norm + shift)
}

// φ_k = |f1_k − f2_k|
export function absoluteDifference(f1: number, f2: number): number {
  return Math.abs(f1 - f2)
}

// φ_k = (f1_k − f2_k)² / (f1_k + f2_k), on shifted components, with ε against 0/0
export function chiSquare(f1: number, f2: number): number {
  return (f1 - f2) ** 2 / (f1 + f2 + chiSquareEpsilon)
}

function featureVector(a: Float32Array, b: Float32Array, feature: PairFeature, out = new Float32Array(a.length)): Float32Array {
  const phi = feature === 'chi2' ? chiSquare : absoluteDifference
  for (let k = 0; k < a.length; k++) out[k] = phi(a[k]!, b[k]!)
  return out
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z))

/**
 * ŷ for a probe against one precomputed template (both from pairInput): one 128-term weighted
 * sum, the cost of a dot product. |·| and χ² are not bilinear, so this is the floor.
 */
function pairScore(head: PairHead, probe: Float32Array, template: Float32Array): number {
  const phi = head.feature === 'chi2' ? chiSquare : absoluteDifference
  let z = head.bias
  for (let k = 0; k < probe.length; k++) z += head.weights[k]! * phi(probe[k]!, template[k]!)
  return sigmoid(z)
}

export interface PairHeadTraining {
  feature: PairFeature
  /** Different-person pairs kept per same-person pair: all of them would drown the positives. */
  negativesPerPositive: number
  iterations: number
  learningRate: number
  /** L2 penalty on w. */
  weightDecay: number
}

export const defaultPairHeadTraining: PairHeadTraining = { feature: 'abs', negativesPerPositive: 10, iterations: 400, learningRate: 0.05, weightDecay: 1e-4 }

/**
 * Logistic regression by full-batch Adam on the pairs of the TRAINING people (validation people
 * never enter), classes weighted to count equally. Returns the head and its loss per iteration.
 */
export function trainPairHead(
  embeddings: readonly ArrayLike<number>[],
  labels: readonly string[],
  options: PairHeadTraining,
  random: Random
): { head: PairHead; losses: number[] } {
  const { same, different } = allPairs(labels)
  if (same.length === 0 || different.length === 0) throw new LikenessError('BadRequest', 'The pair head needs same-person and different-person pairs.')
  const pairs = [...same, ...shuffled(different, random).slice(0, same.length * options.negativesPerPositive)]
  const inputs = embeddings.map((e) => pairInput(e, options.feature))
  const dims = inputs[0]!.length
  const rows = new Float32Array(pairs.length * dims)
  pairs.forEach(([i, j], n) => featureVector(inputs[i]!, inputs[j]!, options.feature, rows.subarray(n * dims, (n + 1) * dims)))
  const negatives = pairs.length - same.length
  const classWeight = [pairs.length / (2 * negatives), pairs.length / (2 * same.length)]
  const [x, t, classWeights] = [
    tf.tensor2d(rows, [pairs.length, dims]),
    tf.tensor1d(pairs.map((_, n) => (n < same.length ? 1 : 0))),
    tf.tensor1d(pairs.map((_, n) => classWeight[n < same.length ? 1 : 0]!))
  ]
  let w: tf.Tensor = tf.zeros([dims])
  let b: tf.Tensor = tf.scalar(0)
  const adam = new Adam({ ...adamDefaults, learningRate: options.learningRate })
  const losses: number[] = []
  try {
    for (let step = 1; step <= options.iterations; step++) {
      const [loss, gradW, gradB] = tf.tidy(() => {
        const y = tf.sigmoid(x.matMul(w.reshape([dims, 1])).reshape([-1]).add(b))
        // cross-entropy −[t log ŷ + (1 − t) log(1 − ŷ)], class-weighted; its gradient (ŷ − t)·x, plus λw
        const entropy = t.mul(y.maximum(1e-12).log()).add(t.neg().add(1).mul(y.neg().add(1).maximum(1e-12).log())).neg()
        const error = classWeights.mul(y.sub(t))
        return [
          classWeights.mul(entropy).mean(),
          error.reshape([1, -1]).matMul(x).reshape([-1]).div(pairs.length).add(w.mul(options.weightDecay)),
          error.mean()
        ]
      })
      losses.push(loss.dataSync()[0]!)
      const [nextW, nextB] = adam.step([w, b], [gradW, gradB])
      tf.dispose([loss, gradW, gradB, w, b])
      w = nextW!
      b = nextB!
    }
    return { head: { feature: options.feature, weights: Float32Array.from(w.dataSync()), bias: b.dataSync()[0]! }, losses }
  } finally {
    tf.dispose([x, t, classWeights, w, b])
    adam.dispose()
  }
}

/** ŷ for every pair of `embeddings`, labelled like calibrate's pairTrials (same pairs first). */
export function pairHeadTrials(head: PairHead, embeddings: readonly ArrayLike<number>[], labels: readonly string[]): { values: number[]; same: boolean[]; polarity: 'similarity' } {
  const { same, different } = allPairs(labels)
  const inputs = embeddings.map((e) => pairInput(e, head.feature))
  const pairs = [...same, ...different]
  return { values: pairs.map(([i, j]) => pairScore(head, inputs[i]!, inputs[j]!)), same: pairs.map((_, n) => n < same.length), polarity: 'similarity' }
}
