import * as tf from '@tensorflow/tfjs'

/**
 * SWAG (Wang, Li & Vasconcelos, CVPR 2021): style statistics of softmax-transformed activations.
 * Peaky, unevenly scaled activations of networks like InceptionV3 and MobileNetV2 make plain Gram
 * matrices follow a few channels; a softmax over spatial positions, per channel, evens them out.
 *
 * σ(a)_ijk = n_H·n_W · exp(a_ijk/T) / Σ_i'j' exp(a_i'j'k/T)
 *
 * Scaled by the number of positions so that each channel averages 1 over the image, which keeps the
 * statistics comparable between a style and a generated image of different sizes.
 */
export function swagActivations(activations: tf.Tensor4D, temperature: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = activations.shape
    // tf.softmax works on the last axis only: put positions there.
    const byChannel = activations.reshape([n, h * w, c]).transpose([0, 2, 1])
    const soft = tf.softmax(byChannel.div(temperature)).mul(h * w)
    return soft.transpose([0, 2, 1]).reshape([n, h, w, c]) as tf.Tensor4D
  })
}

/**
 * The working temperature T = factor × std(a(S)) of a style image's activations at a layer.
 * Measured: factor 10 works; 1–3 gave rainbow noise (notes, SWAG).
 */
export function swagTemperature(styleActivations: tf.Tensor, factor: number): number {
  const std = tf.tidy(() => tf.moments(styleActivations).variance.sqrt())
  const value = std.dataSync()[0]
  std.dispose()
  // A layer that is constant on the style image has no spread to scale by; any T then gives σ = 1.
  return factor * Math.max(value, 1e-6)
}
