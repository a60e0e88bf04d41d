import * as tf from '@tensorflow/tfjs'

/**
 * Bilinear resize of an NHWC batch. Bilinear alone samples only a few source pixels per target
 * pixel and aliases when shrinking a painting several times; halving by 2×2 averages first keeps
 * its brush texture as texture rather than noise.
 */
export function resizeImages(images: tf.Tensor4D, height: number, width: number): tf.Tensor4D {
  return tf.tidy(() => {
    let x = images
    while (x.shape[1] >= 2 * height && x.shape[2] >= 2 * width) x = tf.avgPool(x, 2, 2, 'valid')
    return x.shape[1] === height && x.shape[2] === width ? x.clone() : tf.image.resizeBilinear(x, [height, width], false, true)
  })
}

/** The size whose longest side is `longest`, keeping the aspect ratio. */
export function fitLongestSide(width: number, height: number, longest: number): { width: number; height: number } {
  const scale = longest / Math.max(width, height)
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) }
}
