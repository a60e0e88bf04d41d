import * as tf from '@tensorflow/tfjs'
import type { RgbImage } from '../../image/decode'
import { cropBatch, type Crop } from '../crops'

/** The two single-frame spoof classifiers human ships, as scores per face crop. */
export interface PassiveScores {
  /** `antispoof`: its sigmoid output, high for a real face. */
  antispoof: number
  /** `liveness`: the first of its two softmax outputs, the one human reads as "live". */
  liveness: number
}

/**
 * Both networks on square face crops turned upright ([0, 1] RGB, as human feeds them its face
 * tensor, which it turns by the face's roll): antispoof at 128 px, liveness at 32 px, each one
 * batch for every crop.
 */
export async function passiveScores(antispoof: tf.GraphModel, liveness: tf.GraphModel, image: RgbImage, faces: readonly Crop[]): Promise<PassiveScores[]> {
  if (faces.length === 0) return []
  const [real, live] = tf.tidy(() => {
    const crops = cropBatch(image, faces, 128)
    return [antispoof.execute(crops) as tf.Tensor, liveness.execute(tf.image.resizeBilinear(crops, [32, 32])) as tf.Tensor]
  })
  const [realValues, liveValues] = (await Promise.all([real.data(), live.data()])) as Float32Array[]
  tf.dispose([real, live])
  return faces.map((_, i) => ({ antispoof: realValues[i], liveness: liveValues[2 * i] }))
}
