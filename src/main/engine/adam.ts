import * as tf from '@tensorflow/tfjs'

export interface AdamSettings {
  learningRate: number
  beta1: number
  beta2: number
  epsilon: number
}

export const adamDefaults: Omit<AdamSettings, 'learningRate'> = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }

/**
 * Adam (Kingma & Ba, 2015) over a list of tensors: the one implementation the style studio's
 * picture, the triplet training's variables and the logistic pair head all step with. It keeps the
 * moments; the caller owns the parameters and decides what a step's new values become (a
 * clipped picture, assigned variables).
 */
export class Adam {
  private moments: { m: tf.Tensor; v: tf.Tensor }[] = []
  private t = 0

  constructor(private readonly settings: AdamSettings) {}

  // m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; x ← x − lr·m̂/(√v̂ + ε), m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ)
  /** The parameters one step on, as new tensors; the gradients are the caller's to dispose. */
  step(params: readonly tf.Tensor[], gradients: readonly tf.Tensor[]): tf.Tensor[] {
    const { learningRate, beta1, beta2, epsilon } = this.settings
    this.t++
    const t = this.t
    const next = params.map((x, i) => {
      const g = gradients[i]!
      const previous = this.moments[i]
      const [m, v, moved] = tf.tidy(() => {
        const m = (previous?.m ?? tf.zerosLike(x)).mul(beta1).add(g.mul(1 - beta1))
        const v = (previous?.v ?? tf.zerosLike(x)).mul(beta2).add(g.square().mul(1 - beta2))
        const mHat = m.div(1 - beta1 ** t)
        const vHat = v.div(1 - beta2 ** t)
        return [m, v, x.sub(mHat.mul(learningRate).div(vHat.sqrt().add(epsilon)))]
      })
      previous?.m.dispose()
      previous?.v.dispose()
      this.moments[i] = { m, v }
      return moved
    })
    return next
  }

  dispose(): void {
    for (const { m, v } of this.moments) tf.dispose([m, v])
    this.moments = []
  }
}
