import * as tf from '@tensorflow/tfjs'
import type { FeatureNetwork } from '../engine/network'
import { gramMatrix } from './costs'
import { frame, type Shift } from './frame'
import type { StyleStatistics, WeightedLayer } from '../../shared/api/style'
import { swagActivations, swagTemperature } from './swag'

/** One style layer's target: what G's statistics are pulled towards, fixed for a whole scale. */
export interface StyleLayerTarget {
  layer: string
  /** λ_l */
  weight: number
  /**
   * Gram matrix per position, G(S)/(n_H·n_W), blended over the styles. Per position so that styles
   * of any size blend, and so that it can be scaled to the generated image's n_H·n_W.
   */
  gramPerPosition: tf.Tensor2D
  /** SWAG's softmax temperature at this layer; undefined for plain Gram. */
  temperature?: number
}

/** Layer statistics the style is made of: the activations themselves or their SWAG softmax. */
export function styleActivations(activations: tf.Tensor4D, temperature: number | undefined): tf.Tensor4D {
  return temperature === undefined ? activations : swagActivations(activations, temperature)
}

/**
 * Style targets from one or more framed style images (each [1, h, w, 3], any size), Gram matrices
 * blended with the styles' weights. SWAG's temperature is the weighted mean of each style's.
 */
export function styleTargets(
  network: FeatureNetwork,
  styles: readonly { image: tf.Tensor4D; weight: number }[],
  layers: readonly WeightedLayer[],
  statistics: StyleStatistics,
  temperatureFactor: number
): StyleLayerTarget[] {
  const names = layers.map((l) => l.name)
  const totalWeight = styles.reduce((sum, s) => sum + s.weight, 0)
  const activations = styles.map((s) => network.forward(s.image, names))
  try {
    return layers.map((layer) => {
      const temperature =
        statistics === 'swag'
          ? styles.reduce((sum, s, i) => sum + (s.weight / totalWeight) * swagTemperature(activations[i][layer.name], temperatureFactor), 0)
          : undefined
      const gramPerPosition = tf.tidy(() =>
        tf.addN(
          styles.map((s, i) => {
            const features = styleActivations(activations[i][layer.name], temperature)
            const [, h, w] = features.shape
            return gramMatrix(features).mul(s.weight / totalWeight / (h * w))
          })
        )
      ) as tf.Tensor2D
      return { layer: layer.name, weight: layer.weight, gramPerPosition, temperature }
    })
  } finally {
    for (const a of activations) tf.dispose(Object.values(a))
  }
}

/**
 * a[l](C) for every shift the generated image will be seen at, computed once per scale so that
 * every iteration's content term compares like with like. Also returns the activation shapes of
 * all taps at that framing (the style normalisers depend on n_H, n_W, n_C).
 */
export function contentTargets(
  network: FeatureNetwork,
  content: tf.Tensor4D,
  contentLayer: string,
  styleLayers: readonly string[],
  padding: number,
  shifts: readonly Shift[],
  maxShift: number
): { targets: tf.Tensor4D[]; shapes: Record<string, number[]> } {
  const shapes: Record<string, number[]> = {}
  const targets = shifts.map((shift, i) =>
    tf.tidy(() => {
      const taps = i === 0 ? [contentLayer, ...styleLayers] : [contentLayer]
      const activations = network.forward(frame(content, padding, shift, maxShift), taps)
      for (const name of taps) shapes[name] ??= activations[name].shape
      return activations[contentLayer]
    })
  )
  return { targets, shapes }
}
