import * as tf from '@tensorflow/tfjs'
import type { Optimizer, Step, ValueAndGradient } from './optimize'

export interface AdamSettings {
  /** Measured: 0.02 on [0, 1] pixels (notes). */
  learningRate: number
  beta1: number
  beta2: number
  epsilon: number
  /** Clip x to [low, high] after every step: pixels stay pixels. */
  bounds?: readonly [number, number]
}

const defaults: AdamSettings = { learningRate: 0.02, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }

// m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; x ← x − lr·m̂/(√v̂ + ε), m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ)
export function createAdam(settings: Partial<AdamSettings> = {}): Optimizer {
  const { learningRate, beta1, beta2, epsilon, bounds } = { ...defaults, ...settings }
  let m: tf.Tensor | undefined
  let v: tf.Tensor | undefined
  let t = 0

  function step<Info>(x: tf.Tensor, objective: ValueAndGradient<Info>): Step<Info> {
    const { value, gradient, info } = objective(x)
    t++
    const [nextM, nextV, nextX] = tf.tidy(() => {
      const m1 = (m ?? tf.zerosLike(x)).mul(beta1).add(gradient.mul(1 - beta1))
      const v1 = (v ?? tf.zerosLike(x)).mul(beta2).add(gradient.square().mul(1 - beta2))
      const mHat = m1.div(1 - beta1 ** t)
      const vHat = v1.div(1 - beta2 ** t)
      const moved = x.sub(mHat.mul(learningRate).div(vHat.sqrt().add(epsilon)))
      return [m1, v1, bounds ? moved.clipByValue(bounds[0], bounds[1]) : moved]
    })
    gradient.dispose()
    m?.dispose()
    v?.dispose()
    m = nextM
    v = nextV
    return { x: nextX, at: { value, info } }
  }

  return {
    step,
    dispose() {
      m?.dispose()
      v?.dispose()
      m = v = undefined
    }
  }
}
