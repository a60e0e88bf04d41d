import * as tf from '@tensorflow/tfjs'
import type { RgbImage } from '../../image/decode'
import type { Point } from '../../../shared/geometry'
import { cropBatch, cropToFrame, type Crop } from '../crops'

const irisInputSize = 64
const irisPoints = 76

/**
 * MediaPipe Iris on eye crops, one batch: 71 eye-region points (0–8 the lower lid corner to
 * corner, 9–15 the upper lid) and 5 iris points (centre first), in frame pixels.
 */
export async function irisOnEyes(model: tf.GraphModel, image: RgbImage, eyes: readonly Crop[]): Promise<Point[][]> {
  if (eyes.length === 0) return []
  const output = tf.tidy(() => model.execute(cropBatch(image, eyes, irisInputSize)) as tf.Tensor)
  const values = (await output.data()) as Float32Array
  output.dispose()
  return eyes.map((eye, e) => {
    const toFrame = cropToFrame(eye, irisInputSize)
    const points: Point[] = []
    for (let i = 0; i < irisPoints; i++) {
      const o = (e * irisPoints + i) * 3
      points.push(toFrame(values[o], values[o + 1]))
    }
    return points
  })
}
