import * as tf from '@tensorflow/tfjs'
import { Adam, adamDefaults, type AdamSettings as AdamRule } from '../engine/adam'
import type { Optimizer, Step, ValueAndGradient } from './optimize'

export interface AdamSettings extends AdamRule {
  /** Clip x to [low, high] after every step: pixels stay pixels. */
  bounds?: readonly [number, number]
}

/** Measured: 0.02 on [0, 1] pixels (notes). */
const defaults: AdamSettings = { learningRate: 0.02, ...adamDefaults }

/** Adam (engine/adam.ts) on the picture, behind the studio's Optimizer interface, clipped to its bounds. */
export function createAdam(settings: Partial<AdamSettings> = {}): Optimizer {
  const { bounds, ...rule } = { ...defaults, ...settings }
  const adam = new Adam(rule)

  function step<Info>(x: tf.Tensor, objective: ValueAndGradient<Info>): Step<Info> {
    const { value, gradient, info } = objective(x)
    const [moved] = adam.step([x], [gradient])
    gradient.dispose()
    if (!bounds) return { x: moved!, at: { value, info } }
    const clipped = tf.clipByValue(moved!, bounds[0], bounds[1])
    moved!.dispose()
    return { x: clipped, at: { value, info } }
  }

  return { step, dispose: () => adam.dispose() }
}
