import * as tf from '@tensorflow/tfjs'
import { invert3 } from './matrix3'

/**
 * Colour preservation (Gatys, Bethge, Hertzmann & Shechtman, "Preserving color in neural artistic
 * style transfer", 2016): style lives mostly in luminance, so the result can take its Y from the
 * optimised image and its I, Q chroma from the content photo.
 */
const rgbToYiqMatrix = [
  [0.299, 0.587, 0.114],
  [0.595716, -0.274453, -0.321263],
  [0.211456, -0.522591, 0.311135]
]

// [Y I Q]ᵀ = M·[R G B]ᵀ per pixel
export function rgbToYiq(images: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => applyPerPixel(images, tf.tensor2d(rgbToYiqMatrix)))
}

// [R G B]ᵀ = M⁻¹·[Y I Q]ᵀ per pixel
export function yiqToRgb(images: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => applyPerPixel(images, tf.tensor2d(invert3(rgbToYiqMatrix))))
}

/** The luminance of `generated` on the chroma of `content` (same size), clipped to [0, 1]. */
export function transferLuminance(generated: tf.Tensor4D, content: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const y = rgbToYiq(generated).slice([0, 0, 0, 0], [-1, -1, -1, 1])
    const iq = rgbToYiq(content).slice([0, 0, 0, 1], [-1, -1, -1, 2])
    return yiqToRgb(tf.concat([y, iq], 3)).clipByValue(0, 1) as tf.Tensor4D
  })
}

/**
 * Luminance-only transfer: a grey picture of `images`' Y, its mean and standard deviation moved to
 * those of `reference`'s Y, so a dark painting does not darken the photo (Gatys et al. 2016, §2).
 * Without a reference the Y is kept as it is.
 */
export function luminanceImage(images: tf.Tensor4D, reference?: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    let y = rgbToYiq(images).slice([0, 0, 0, 0], [-1, -1, -1, 1])
    if (reference) {
      const own = tf.moments(y)
      const target = tf.moments(rgbToYiq(reference).slice([0, 0, 0, 0], [-1, -1, -1, 1]))
      y = y.sub(own.mean).div(own.variance.sqrt().add(1e-6)).mul(target.variance.sqrt()).add(target.mean)
    }
    return tf.tile(y.clipByValue(0, 1), [1, 1, 1, 3]) as tf.Tensor4D
  })
}

function applyPerPixel(images: tf.Tensor4D, matrix: tf.Tensor2D): tf.Tensor4D {
  const [n, h, w] = images.shape
  return tf.matMul(images.reshape([-1, 3]), matrix, false, true).reshape([n, h, w, 3]) as tf.Tensor4D
}
