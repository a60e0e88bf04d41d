import type * as tf from '@tensorflow/tfjs'
import { asLibraryTensor, faceapi } from './faceapi'
import type { FaceModels } from './faceModels'
import type { Box } from '../../shared/geometry'
import type { Detector } from '../../shared/api/face'

export interface Detection {
  box: Box
  score: number
}

/** face-api's defaults: SSD at 0.5 confidence; the tiny detector at 416 px input, 0.5 score. */
export const defaultMinConfidence = 0.5

/** Face boxes in the pixel coordinates of `image` ([h, w, 3], 0–255). */
export async function locateFaces(
  models: FaceModels,
  image: tf.Tensor3D,
  detector: Detector,
  minConfidence = defaultMinConfidence
): Promise<Detection[]> {
  const input = asLibraryTensor(image)
  const found =
    detector === 'ssd'
      ? await models.ssd.locateFaces(input, new faceapi.SsdMobilenetv1Options({ minConfidence }))
      : await models.tiny.locateFaces(input, new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: minConfidence }))
  return found.map(({ box, score }) => ({ box: { x: box.x, y: box.y, width: box.width, height: box.height }, score }))
}
