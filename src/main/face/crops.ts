import * as tf from '@tensorflow/tfjs'
import type { RgbImage } from '../image/decode'
import { sampleBilinear } from '../image/sample'
import type { Box } from '../../shared/geometry'

export interface Crop {
  box: Box
  /** Left and right swapped (Iris is shown one eye side only). */
  mirrored?: boolean
}

/**
 * Crops of `image` resized to size × size, in [0, 1], as one batch [n, size, size, 3] (how human
 * feeds its face networks). Sampled in JS from the frame's bytes: only the crops are uploaded.
 * Parts of a box outside the frame read as black.
 */
export function cropBatch(image: RgbImage, crops: readonly Crop[], size: number): tf.Tensor4D {
  const length = size * size * 3
  const pixels = new Float32Array(crops.length * length)
  crops.forEach(({ box, mirrored }, i) => {
    // pixel centres: output u covers [x + u·w/size, x + (u + 1)·w/size), sampled at its middle
    const step = box.width / size
    const stepY = box.height / size
    const left = box.x + step / 2 - 0.5
    const map = mirrored
      ? { xu: -step, xv: 0, x0: left + (size - 1) * step, yu: 0, yv: stepY, y0: box.y + stepY / 2 - 0.5 }
      : { xu: step, xv: 0, x0: left, yu: 0, yv: stepY, y0: box.y + stepY / 2 - 0.5 }
    sampleBilinear(image, map, { width: size, height: size }, pixels, i * length)
  })
  return tf.tensor4d(pixels, [crops.length, size, size, 3])
}
