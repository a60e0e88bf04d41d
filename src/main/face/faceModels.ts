import type * as tf from '@tensorflow/tfjs'
import { createEncoderParams, disposeEncoderParams, type EncoderParams } from './encoder'
import { asLibraryWeightMap, assertOneTfjs, faceapi } from './faceapi'
import { loadBlazeFace, loadFaceMesh } from './humanModels'
import { faceModelDir, loadWeightMap } from './models'

/**
 * The face networks, loaded once and held by whoever owns the engine (the worker), so nothing
 * hides in module state: face-api's detectors and landmarks (run on face-api's code) and the
 * encoder (ours), from face-api's npm folder; human's BlazeFace and FaceMesh, the live path's
 * detector and tracker and the photo path's second opinion when SSD finds nothing.
 */
export class FaceModels {
  private constructor(
    readonly ssd: InstanceType<typeof faceapi.SsdMobilenetv1>,
    readonly tiny: InstanceType<typeof faceapi.TinyFaceDetector>,
    readonly landmarks: InstanceType<typeof faceapi.FaceLandmark68Net>,
    readonly encoder: EncoderParams,
    readonly blazeFace: tf.GraphModel,
    readonly faceMesh: tf.GraphModel
  ) {}

  static async load(dir = faceModelDir()): Promise<FaceModels> {
    assertOneTfjs()
    const [ssdWeights, tinyWeights, landmarkWeights, encoderWeights, blazeFace, faceMesh] = await Promise.all([
      loadWeightMap('ssd_mobilenetv1_model', dir),
      loadWeightMap('tiny_face_detector_model', dir),
      loadWeightMap('face_landmark_68_model', dir),
      loadWeightMap('face_recognition_model', dir),
      loadBlazeFace(),
      loadFaceMesh()
    ])
    const ssd = new faceapi.SsdMobilenetv1()
    ssd.loadFromWeightMap(asLibraryWeightMap(ssdWeights))
    const tiny = new faceapi.TinyFaceDetector()
    tiny.loadFromWeightMap(asLibraryWeightMap(tinyWeights))
    const landmarks = new faceapi.FaceLandmark68Net()
    landmarks.loadFromWeightMap(asLibraryWeightMap(landmarkWeights))
    return new FaceModels(ssd, tiny, landmarks, createEncoderParams(encoderWeights), blazeFace, faceMesh)
  }

  /**
   * The same detectors and landmarks with another encoder (a fine-tuned copy): shares networks,
   * so dispose only the original; the caller owns `encoder`.
   */
  withEncoder(encoder: EncoderParams): FaceModels {
    return new FaceModels(this.ssd, this.tiny, this.landmarks, encoder, this.blazeFace, this.faceMesh)
  }

  dispose(): void {
    this.ssd.dispose()
    this.tiny.dispose()
    this.landmarks.dispose()
    disposeEncoderParams(this.encoder)
    this.blazeFace.dispose()
    this.faceMesh.dispose()
  }
}
