import type * as tf from '@tensorflow/tfjs'
import { FaceModels } from '../faceModels'
import { loadAntispoof, loadIris, loadLiveness } from '../humanModels'

/**
 * The networks of the live path, held by whoever owns the engine (a worker): the face models
 * (BlazeFace, FaceMesh and the encoder are used live) and human's Iris, antispoof and liveness.
 */
export interface LiveModels {
  /** The gallery's encoder: a fine-tuned one when it has one (FaceModels.withEncoder). */
  face: FaceModels
  iris: tf.GraphModel
  antispoof: tf.GraphModel
  liveness: tf.GraphModel
}

export async function loadLiveModels(face?: FaceModels): Promise<LiveModels> {
  const [iris, antispoof, liveness, faceModels] = await Promise.all([loadIris(), loadAntispoof(), loadLiveness(), face ?? FaceModels.load()])
  return { face: faceModels, iris, antispoof, liveness }
}

/** Disposes the live path's own networks; the face models belong to whoever passed them in (or to the caller when loaded here). */
export function disposeLiveNetworks(models: LiveModels): void {
  for (const model of [models.iris, models.antispoof, models.liveness]) model.dispose()
}
