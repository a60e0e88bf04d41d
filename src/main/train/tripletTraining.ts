import * as tf from '@tensorflow/tfjs'
import { activeShare, mineTriplets, sampleBatch, type BatchShape, type Mining } from './triplets'
import { batchTripletCost, squaredDistanceMatrix } from './tripletLoss'
import type { Random } from '../engine/random'
import { Adam, adamDefaults } from '../engine/adam'

export interface TripletStep {
  step: number
  /** J / number of triplets: comparable between batches of different sizes. */
  loss: number
  activeShare: number
}

export interface TripletTraining {
  /** f(x) for the batch's sample indices, on the tape: gradients flow into `variables`. */
  embed(indices: readonly number[]): tf.Tensor2D
  variables: tf.Variable[]
  labels: readonly string[]
  steps: number
  batch: BatchShape
  mining: Mining
  alpha: number
  learningRate: number
  random: Random
  /** Called after every step; throw to stop (a cancel). */
  onStep(step: TripletStep): void | Promise<void>
}

/**
 * Minimises J = Σ L(A, P, N) with Adam. Triplets are mined on the same forward pass that the
 * gradient is taken on, so a step costs one forward and one backward.
 */
export async function trainWithTriplets(training: TripletTraining): Promise<TripletStep[]> {
  const adam = new Adam({ ...adamDefaults, learningRate: training.learningRate })
  const history: TripletStep[] = []
  try {
    for (let step = 1; step <= training.steps; step++) {
      const indices = sampleBatch(training.labels, training.batch, training.random)
      const batchLabels = indices.map((i) => training.labels[i]!)
      let losses: Float32Array | undefined
      let triplets = 0
      const { value: cost, grads } = tf.variableGrads(() => {
        const embeddings = training.embed(indices)
        const distances = tf.tidy(() => squaredDistanceMatrix(embeddings).dataSync())
        const mined = mineTriplets(distances, batchLabels, training.mining, training.random)
        triplets = mined.length
        const result = batchTripletCost(embeddings, mined, training.alpha)
        losses = result.losses.dataSync() as Float32Array
        return result.cost
      }, training.variables)
      const gradients = training.variables.map((variable) => grads[variable.name]!)
      const moved = adam.step(training.variables, gradients)
      training.variables.forEach((variable, i) => variable.assign(moved[i]!))
      tf.dispose([...moved, ...Object.values(grads)])
      const total = (await cost.data())[0]!
      cost.dispose()
      const record = { step, loss: total / Math.max(1, triplets), activeShare: activeShare(losses ?? []) }
      history.push(record)
      await training.onStep(record)
    }
  } finally {
    adam.dispose()
  }
  return history
}
