import * as tf from '@tensorflow/tfjs'
import { l2Normalise } from './tripletLoss'
import { descriptorDimension } from '../../shared/api/face'

/**
 * g(f) = normalise(W·f + b) on the frozen 128-D embeddings. W starts as the identity and b as
 * zero, so before training g ranks pairs exactly as the plain distance does.
 */
export interface ProjectionHead {
  weights: tf.Variable<tf.Rank.R2>
  bias: tf.Variable<tf.Rank.R1>
}

export function createProjectionHead(dims = descriptorDimension): ProjectionHead {
  return { weights: tf.variable(tf.eye(dims) as tf.Tensor2D, true), bias: tf.variable(tf.zeros([dims]) as tf.Tensor1D, true) }
}

export function projectEmbeddings(head: ProjectionHead, embeddings: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => l2Normalise(tf.matMul(embeddings, head.weights).add(head.bias)))
}

export function disposeProjectionHead(head: ProjectionHead): void {
  tf.dispose([head.weights, head.bias])
}

/** The head as plain numbers, for the store and across threads. */
export function projectionHeadValues(head: ProjectionHead): { weights: Float32Array; bias: Float32Array } {
  return { weights: head.weights.dataSync() as Float32Array, bias: head.bias.dataSync() as Float32Array }
}
