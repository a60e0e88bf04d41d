import * as tf from '@tensorflow/tfjs'
import { asLibraryTensor } from './faceapi'
import type { FaceModels } from './faceModels'
import type { Box, Point } from '../../shared/geometry'

/** The integer crop face-api takes for a box: clipped at the image borders, then floored. */
function cropOf(box: Box, width: number, height: number): Box {
  const x = Math.max(box.x, 0)
  const y = Math.max(box.y, 0)
  const right = Math.min(box.x + box.width, width)
  const bottom = Math.min(box.y + box.height, height)
  return { x: Math.floor(x), y: Math.floor(y), width: Math.floor(right - x), height: Math.floor(bottom - y) }
}

/** The 68 points of each face box, in the pixel coordinates of `image` ([h, w, 3], 0–255). */
export async function locateLandmarks(models: FaceModels, image: tf.Tensor3D, boxes: readonly Box[]): Promise<Point[][]> {
  const [height, width] = image.shape
  const result: Point[][] = []
  for (const box of boxes) {
    const crop = cropOf(box, width, height)
    const face = tf.slice3d(image, [crop.y, crop.x, 0], [crop.height, crop.width, 3])
    const found = await models.landmarks.detectLandmarks(asLibraryTensor(face))
    face.dispose()
    const landmarks = Array.isArray(found) ? found[0] : found
    result.push(landmarks.positions.map((p) => ({ x: p.x + crop.x, y: p.y + crop.y })))
  }
  return result
}
