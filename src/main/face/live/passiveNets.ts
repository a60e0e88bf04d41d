import * as tf from '@tensorflow/tfjs'
import type { RgbImage } from '../../image/decode'
import type { Box } from '../../../shared/geometry'
import { cropBatch } from '../crops'

/** The two single-frame spoof classifiers human ships, as scores per face crop. */
export interface PassiveScores {
  /** `antispoof`: its sigmoid output, high for a real face. */
  antispoof: number
  /** `liveness`: the first of its two softmax outputs, the one human reads as "live". */
  liveness: number
}

/**
 * Both networks on square face crops ([0, 1] RGB, as human feeds them its face tensor):
 * antispoof at 128 px, liveness at 32 px, each one batch for every box.
 */
export async function passiveScores(antispoof: tf.GraphModel, liveness: tf.GraphModel, image: RgbImage, boxes: readonly Box[]): Promise<PassiveScores[]> {
  if (boxes.length === 0) return []
  const [real, live] = tf.tidy(() => {
    const crops = cropBatch(image, boxes.map((box) => ({ box })), 128)
    return [antispoof.execute(crops) as tf.Tensor, liveness.execute(tf.image.resizeBilinear(crops, [32, 32])) as tf.Tensor]
  })
  const [realValues, liveValues] = (await Promise.all([real.data(), live.data()])) as Float32Array[]
  tf.dispose([real, live])
  return boxes.map((_, i) => ({ antispoof: realValues[i], liveness: liveValues[2 * i] }))
}
