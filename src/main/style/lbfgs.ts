import * as tf from '@tensorflow/tfjs'
import type { Evaluation, Optimizer, Step, ValueAndGradient } from './optimize'

export interface LbfgsSettings {
  /** m: curvature pairs kept. Each pair is two copies of x (10 pairs ≈ 60 MB at 512×512). */
  history: number
  /** Without curvature yet (first step, or after a reset) no coordinate moves by more than this. */
  firstStep: number
  /** c1 of the Armijo condition J(x + t·d) ≤ J(x) + c1·t·∇Jᵀd. */
  armijo: number
  /** Halvings of t before the step gives up and stays put. */
  maxBacktracks: number
  /** Project x onto [low, high] at every trial point: pixels stay pixels. */
  bounds?: readonly [number, number]
}

const defaults: LbfgsSettings = { history: 10, firstStep: 0.05, armijo: 1e-4, maxBacktracks: 20 }

interface Pair {
  s: tf.Tensor
  y: tf.Tensor
  rho: number
}

interface Cached {
  objective: ValueAndGradient<unknown>
  x: tf.Tensor
  evaluation: Evaluation<unknown>
}

/**
 * L-BFGS, Gatys et al.'s optimiser: the two-loop recursion over the last m pairs
 * (s = x_k+1 − x_k, y = ∇J_k+1 − ∇J_k) gives d ≈ −H∇J, then a backtracking Armijo line search from
 * t = 1. The search only accepts a finite, decreasing J, so a step cannot blow up; when no t works
 * the history is dropped and x stays. x may have any shape: it is treated as one flat vector.
 *
 * Both ends of a pair are evaluated on the same objective, so a caller that changes the objective
 * between steps (random shifts) still gets consistent curvature; it pays one extra evaluation per
 * step, which a fixed objective avoids by reusing the line search's last point.
 */
export function createLbfgs(settings: Partial<LbfgsSettings> = {}): Optimizer {
  const { history, firstStep, armijo, maxBacktracks, bounds } = { ...defaults, ...settings }
  let pairs: Pair[] = []
  let cached: Cached | undefined

  function forget(): void {
    for (const p of pairs) tf.dispose([p.s, p.y])
    pairs = []
  }

  function startAt<Info>(x: tf.Tensor, objective: ValueAndGradient<Info>): Evaluation<Info> {
    if (cached && cached.objective === objective && cached.x === x) {
      const evaluation = cached.evaluation as Evaluation<Info>
      cached = undefined
      return evaluation
    }
    if (cached) cached.evaluation.gradient.dispose()
    cached = undefined
    return objective(x)
  }

  // d = −H·g by the two-loop recursion, H₀ = (sᵀy / yᵀy)·I from the newest pair.
  function direction(gradient: tf.Tensor): tf.Tensor {
    let q = gradient.clone()
    const alphas: number[] = []
    for (let i = pairs.length - 1; i >= 0; i--) {
      const alpha = pairs[i].rho * dot(pairs[i].s, q)
      alphas[i] = alpha
      q = replace(q, tf.tidy(() => q.sub(pairs[i].y.mul(alpha))))
    }
    const newest = pairs[pairs.length - 1]
    const gamma = 1 / (newest.rho * dot(newest.y, newest.y))
    let r = replace(q, tf.tidy(() => q.mul(gamma)))
    for (let i = 0; i < pairs.length; i++) {
      const beta = pairs[i].rho * dot(pairs[i].y, r)
      r = replace(r, tf.tidy(() => r.add(pairs[i].s.mul(alphas[i] - beta))))
    }
    return replace(r, r.neg())
  }

  function steepest(gradient: tf.Tensor): tf.Tensor {
    const largest = tf.tidy(() => gradient.abs().max())
    const scale = firstStep / Math.max(largest.dataSync()[0], Number.MIN_VALUE)
    largest.dispose()
    return tf.tidy(() => gradient.mul(-scale))
  }

  function step<Info>(x: tf.Tensor, objective: ValueAndGradient<Info>): Step<Info> {
    const start = startAt(x, objective)
    let d = pairs.length > 0 ? direction(start.gradient) : steepest(start.gradient)
    if (!(dot(start.gradient, d) < 0)) {
      // Curvature pairs that no longer describe J (it changed under us): fall back to the gradient.
      forget()
      d = replace(d, steepest(start.gradient))
    }
    let t = 1
    for (let k = 0; k < maxBacktracks; k++) {
      const trial = tf.tidy(() => {
        const moved = x.add(d.mul(t))
        return bounds ? moved.clipByValue(bounds[0], bounds[1]) : moved
      })
      const s = tf.tidy(() => trial.sub(x))
      const decrease = Math.min(dot(start.gradient, s), 0)
      const evaluation = objective(trial)
      if (Number.isFinite(evaluation.value) && evaluation.value <= start.value + armijo * decrease) {
        remember(s, tf.tidy(() => evaluation.gradient.sub(start.gradient)))
        tf.dispose([d, start.gradient])
        cached = { objective: objective as ValueAndGradient<unknown>, x: trial, evaluation }
        return { x: trial, at: { value: start.value, info: start.info } }
      }
      tf.dispose([trial, s, evaluation.gradient])
      t /= 2
    }
    forget()
    tf.dispose([d, start.gradient])
    return { x: x.clone(), at: { value: start.value, info: start.info } }
  }

  function remember(s: tf.Tensor, y: tf.Tensor): void {
    const sy = dot(s, y)
    // Without positive curvature along s the pair would make H indefinite: skip it.
    if (!(sy > 1e-10 * Math.sqrt(dot(s, s) * dot(y, y)))) {
      tf.dispose([s, y])
      return
    }
    pairs.push({ s, y, rho: 1 / sy })
    if (pairs.length > history) {
      const oldest = pairs.shift() as Pair
      tf.dispose([oldest.s, oldest.y])
    }
  }

  return {
    step,
    dispose() {
      forget()
      if (cached) cached.evaluation.gradient.dispose()
      cached = undefined
    }
  }
}

function dot(a: tf.Tensor, b: tf.Tensor): number {
  const product = tf.tidy(() => a.mul(b).sum())
  const value = product.dataSync()[0]
  product.dispose()
  return value
}

function replace(old: tf.Tensor, next: tf.Tensor): tf.Tensor {
  old.dispose()
  return next
}
