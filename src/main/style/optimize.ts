import type * as tf from '@tensorflow/tfjs'
import { createAdam, type AdamSettings } from './adam'
import { createLbfgs, type LbfgsSettings } from './lbfgs'

/** J and ∂J/∂x at one point, plus whatever the objective wants to report there (loss parts). */
export interface Evaluation<Info = undefined> {
  value: number
  /** Same shape as x; the optimiser takes ownership and disposes it. */
  gradient: tf.Tensor
  info: Info
}

export type ValueAndGradient<Info = undefined> = (x: tf.Tensor) => Evaluation<Info>

export interface Step<Info> {
  /** The next point, a new tensor; the caller owns it and still owns the x it passed in. */
  x: tf.Tensor
  /** The objective where the step started. */
  at: { value: number; info: Info }
}

/**
 * One iteration at a time, so the caller can change the objective between iterations (the style
 * loop shifts the image each time) and stop when cancelled.
 */
export interface Optimizer {
  step<Info>(x: tf.Tensor, objective: ValueAndGradient<Info>): Step<Info>
  dispose(): void
}

export type OptimizerSettings = ({ kind: 'adam' } & Partial<AdamSettings>) | ({ kind: 'lbfgs' } & Partial<LbfgsSettings>)

export function createOptimizer(settings: OptimizerSettings): Optimizer {
  return settings.kind === 'adam' ? createAdam(settings) : createLbfgs(settings)
}

/** Runs `iterations` steps on a fixed objective; returns the last point and J at each step's start. */
export function minimize(x0: tf.Tensor, objective: ValueAndGradient, optimizer: Optimizer, iterations: number): { x: tf.Tensor; values: number[] } {
  const values: number[] = []
  let x = x0.clone()
  for (let i = 0; i < iterations; i++) {
    const { x: next, at } = optimizer.step(x, objective)
    values.push(at.value)
    x.dispose()
    x = next
  }
  return { x, values }
}
