import { createEncoderParams, disposeEncoderParams, type EncoderParams } from './encoder'
import { asLibraryWeightMap, assertOneTfjs, faceapi } from './faceapi'
import { faceModelDir, loadWeightMap } from './models'

/**
 * The four face networks, loaded once from face-api's npm folder and held by whoever owns the
 * engine (the worker), so nothing hides in module state. Detectors and landmarks run on face-api's
 * code; the encoder is ours.
 */
export class FaceModels {
  private constructor(
    readonly ssd: InstanceType<typeof faceapi.SsdMobilenetv1>,
    readonly tiny: InstanceType<typeof faceapi.TinyFaceDetector>,
    readonly landmarks: InstanceType<typeof faceapi.FaceLandmark68Net>,
    readonly encoder: EncoderParams
  ) {}

  static async load(dir = faceModelDir()): Promise<FaceModels> {
    assertOneTfjs()
    const [ssdWeights, tinyWeights, landmarkWeights, encoderWeights] = await Promise.all([
      loadWeightMap('ssd_mobilenetv1_model', dir),
      loadWeightMap('tiny_face_detector_model', dir),
      loadWeightMap('face_landmark_68_model', dir),
      loadWeightMap('face_recognition_model', dir)
    ])
    const ssd = new faceapi.SsdMobilenetv1()
    ssd.loadFromWeightMap(asLibraryWeightMap(ssdWeights))
    const tiny = new faceapi.TinyFaceDetector()
    tiny.loadFromWeightMap(asLibraryWeightMap(tinyWeights))
    const landmarks = new faceapi.FaceLandmark68Net()
    landmarks.loadFromWeightMap(asLibraryWeightMap(landmarkWeights))
    return new FaceModels(ssd, tiny, landmarks, createEncoderParams(encoderWeights))
  }

  /**
   * The same detectors and landmarks with another encoder (a fine-tuned copy): shares networks,
   * so dispose only the original; the caller owns `encoder`.
   */
  withEncoder(encoder: EncoderParams): FaceModels {
    return new FaceModels(this.ssd, this.tiny, this.landmarks, encoder)
  }

  dispose(): void {
    this.ssd.dispose()
    this.tiny.dispose()
    this.landmarks.dispose()
    disposeEncoderParams(this.encoder)
  }
}
