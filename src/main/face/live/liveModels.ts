import type * as tf from '@tensorflow/tfjs'
import { FaceModels } from '../faceModels'
import { loadAntispoof, loadBlazeFace, loadFaceMesh, loadIris, loadLiveness } from './humanModels'

/**
 * The networks of the live path, held by whoever owns the engine (a worker): human's BlazeFace,
 * FaceMesh, Iris, antispoof and liveness, and the face models for the encoder.
 */
export interface LiveModels {
  blazeFace: tf.GraphModel
  faceMesh: tf.GraphModel
  iris: tf.GraphModel
  antispoof: tf.GraphModel
  liveness: tf.GraphModel
  /** Only the encoder is used live; the gallery's fine-tuned one when it has one (FaceModels.withEncoder). */
  face: FaceModels
}

export async function loadLiveModels(face?: FaceModels): Promise<LiveModels> {
  const [blazeFace, faceMesh, iris, antispoof, liveness, faceModels] = await Promise.all([
    loadBlazeFace(),
    loadFaceMesh(),
    loadIris(),
    loadAntispoof(),
    loadLiveness(),
    face ?? FaceModels.load()
  ])
  return { blazeFace, faceMesh, iris, antispoof, liveness, face: faceModels }
}

/** Disposes the human networks; the face models belong to whoever passed them in (or to the caller when loaded here). */
export function disposeLiveNetworks(models: LiveModels): void {
  for (const model of [models.blazeFace, models.faceMesh, models.iris, models.antispoof, models.liveness]) model.dispose()
}
