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
  /** Added to the statistics before the Gram (Novak & Nikulin 2016's shifted activations); 0 for none. */
  shift: number
}

/** Layer statistics the style is made of: the activations themselves or their SWAG softmax. */
export function styleActivations(activations: tf.Tensor4D, temperature: number | undefined, shift = 0): tf.Tensor4D {
  const statistics = temperature === undefined ? activations : swagActivations(activations, temperature)
  return shift === 0 ? statistics : tf.tidy(() => statistics.add(shift))
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
  temperatureFactor: number,
  shift = 0
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
            const features = styleActivations(activations[i][layer.name], temperature, shift)
            const [, h, w] = features.shape
            return gramMatrix(features).mul(s.weight / totalWeight / (h * w))
          })
        )
      ) as tf.Tensor2D
      return { layer: layer.name, weight: layer.weight, gramPerPosition, temperature, shift }
    })
  } finally {
    for (const a of activations) tf.dispose(Object.values(a))
  }
}

/** a[l](C) at each shift G will be seen at, computed on first use and kept for the region. */
export interface ContentTargets {
  /** a[l](C) with C framed at shifts[index]. */
  at(index: number): tf.Tensor4D
  /** Activation shapes of every tap at this framing (the style normalisers depend on n_H, n_W, n_C). */
  shapes: Record<string, number[]>
  dispose(): void
}

/**
 * Content targets per shift, so that every iteration's content term compares like with like. Only
 * the shifts a region is actually seen at are computed: a tile painted for a few iterations draws
 * a few of the nine, and each costs a forward pass.
 */
export function contentTargets(
  network: FeatureNetwork,
  content: tf.Tensor4D,
  contentLayer: string,
  styleLayers: readonly string[],
  padding: number,
  shifts: readonly Shift[],
  maxShift: number
): ContentTargets {
  const shapes: Record<string, number[]> = {}
  const targets = new Map<number, tf.Tensor4D>()
  const compute = (index: number, taps: readonly string[]): tf.Tensor4D =>
    tf.tidy(() => {
      const activations = network.forward(frame(content, padding, shifts[index], maxShift), taps)
      for (const name of taps) shapes[name] ??= activations[name].shape
      return activations[contentLayer]
    })
  targets.set(0, compute(0, [...new Set([contentLayer, ...styleLayers])]))
  return {
    at(index) {
      let target = targets.get(index)
      if (!target) {
        target = compute(index, [contentLayer])
        targets.set(index, target)
      }
      return target
    },
    shapes,
    dispose() {
      tf.dispose([...targets.values()])
      targets.clear()
    }
  }
}
