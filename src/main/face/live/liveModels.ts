import type * as tf from '@tensorflow/tfjs'
import type { FaceModels } from '../faceModels'

/**
 * The networks of the live path, held by whoever owns the engine (the worker's model cache): the
 * face models (BlazeFace, FaceMesh and the encoder are used live) and human's Iris, antispoof and
 * liveness.
 */
export interface LiveModels {
  /** The gallery's encoder: a fine-tuned one when it has one (FaceModels.withEncoder). */
  face: FaceModels
  iris: tf.GraphModel
  antispoof: tf.GraphModel
  liveness: tf.GraphModel
}
