import type * as tf from '@tensorflow/tfjs'
import type { EncoderParams } from './encoder'
import type { faceapi } from './faceapi'

/**
 * The networks a photo goes through, held by whoever owns the engine (the worker's model cache),
 * so nothing hides in module state. Detectors and landmarks run on face-api's code; the encoder is
 * ours; human's BlazeFace and FaceMesh are the live path's detector and tracker and the photo
 * path's second opinion when SSD finds nothing. Owns nothing: the cache that loaded the networks
 * disposes them.
 */
export class FaceModels {
  constructor(
    readonly ssd: InstanceType<typeof faceapi.SsdMobilenetv1>,
    readonly tiny: InstanceType<typeof faceapi.TinyFaceDetector>,
    readonly landmarks: InstanceType<typeof faceapi.FaceLandmark68Net>,
    readonly encoder: EncoderParams,
    readonly blazeFace: tf.GraphModel,
    readonly faceMesh: tf.GraphModel
  ) {}

  /** The same detectors and landmarks with another encoder (a fine-tuned copy, owned by the caller). */
  withEncoder(encoder: EncoderParams): FaceModels {
    return new FaceModels(this.ssd, this.tiny, this.landmarks, encoder, this.blazeFace, this.faceMesh)
  }
}
