import * as tf from '@tensorflow/tfjs'
import type { RgbImage } from './decode'

/** RGB bytes → float tensor [h, w, 3] in [0, 1], the layout every network here takes. */
export function imageToTensor(image: RgbImage): tf.Tensor3D {
  return tf.tidy(() => tf.tensor3d(image.data, [image.height, image.width, 3], 'int32').toFloat().div(255))
}

/** Float tensor [h, w, 3] in [0, 1] → RGB bytes, clipping what strays outside. */
export async function tensorToImage(tensor: tf.Tensor3D): Promise<RgbImage> {
  const [height, width] = tensor.shape
  const bytes = tf.tidy(() => tensor.clipByValue(0, 1).mul(255).round().toInt())
  const data = Uint8Array.from(await bytes.data())
  bytes.dispose()
  return { width, height, data }
}
