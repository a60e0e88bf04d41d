import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { createOptimizer, minimize, type ValueAndGradient } from '../../../src/main/style/optimize'

beforeAll(async () => {
  await initBackend('wasm')
})

function differentiable(f: (x: tf.Tensor) => tf.Scalar): ValueAndGradient {
  const valueAndGrad = tf.valueAndGrad(f)
  return (x) => {
    const { value, grad } = valueAndGrad(x)
    const v = value.dataSync()[0]
    value.dispose()
    return { value: v, gradient: grad, info: undefined }
  }
}

// f(x) = Σ_i w_i (x_i − c_i)², minimum 0 at c; badly conditioned (w spans 1…100)
const centre = [0.3, -1.2, 2, 0.7]
const quadratic = differentiable((x) =>
  tf.tidy(() => x.sub(tf.tensor1d(centre)).square().mul(tf.tensor1d([1, 10, 100, 3])).sum() as tf.Scalar)
)

// f(x, y) = (1 − x)² + 100(y − x²)², minimum 0 at (1, 1)
const rosenbrock = differentiable((v) =>
  tf.tidy(() => {
    const [x, y] = tf.unstack(v)
    return tf.scalar(1).sub(x).square().add(y.sub(x.square()).square().mul(100)) as tf.Scalar
  })
)

function run(objective: ValueAndGradient, start: number[], settings: Parameters<typeof createOptimizer>[0], iterations: number) {
  const optimizer = createOptimizer(settings)
  const x0 = tf.tensor1d(start)
  const { x, values } = minimize(x0, objective, optimizer, iterations)
  const point = Array.from(x.dataSync())
  tf.dispose([x0, x])
  optimizer.dispose()
  return { point, values }
}

describe('optimisers', () => {
  it('L-BFGS finds the minimum of a badly conditioned quadratic', () => {
    const { point, values } = run(quadratic, [0, 0, 0, 0], { kind: 'lbfgs', firstStep: 1 }, 30)
    point.forEach((v, i) => expect(v).toBeCloseTo(centre[i], 4))
    // The line search only accepts decreases.
    values.slice(1).forEach((v, i) => expect(v).toBeLessThanOrEqual(values[i]))
  })

  it('L-BFGS walks Rosenbrock\'s valley to (1, 1) from the classic start', () => {
    const { point, values } = run(rosenbrock, [-1.2, 1], { kind: 'lbfgs' }, 100)
    expect(point[0]).toBeCloseTo(1, 3)
    expect(point[1]).toBeCloseTo(1, 3)
    values.slice(1).forEach((v, i) => expect(v).toBeLessThanOrEqual(values[i]))
  })

  it('Adam finds the quadratic\'s minimum', () => {
    const { point } = run(quadratic, [0, 0, 0, 0], { kind: 'adam', learningRate: 0.05 }, 600)
    point.forEach((v, i) => expect(v).toBeCloseTo(centre[i], 2))
  })

  it('Adam descends Rosenbrock\'s valley', () => {
    const { point, values } = run(rosenbrock, [-1.2, 1], { kind: 'adam', learningRate: 0.02 }, 1500)
    expect(values[values.length - 1]).toBeLessThan(values[0] / 100)
    // Adam creeps along the curved valley floor: well on its way, not there, after 1500 steps.
    expect(Math.hypot(point[0] - 1, point[1] - 1)).toBeLessThan(0.5)
  })

  it('bounds keep both optimisers inside the box, at the constrained minimum', () => {
    // The quadratic's centre lies outside [0, 1] in two coordinates: the answer is the clipped centre.
    const clipped = centre.map((c) => Math.min(1, Math.max(0, c)))
    for (const settings of [{ kind: 'adam' as const, learningRate: 0.05, bounds: [0, 1] as const }, { kind: 'lbfgs' as const, bounds: [0, 1] as const }]) {
      const { point } = run(quadratic, [0.5, 0.5, 0.5, 0.5], settings, settings.kind === 'adam' ? 600 : 60)
      point.forEach((v, i) => {
        expect(v).toBeGreaterThanOrEqual(0)
        expect(v).toBeLessThanOrEqual(1)
        expect(v).toBeCloseTo(clipped[i], 2)
      })
    }
  })

  it('L-BFGS stays put instead of blowing up where J is not finite beyond the start', () => {
    // log x has no value for x ≤ 0; steps that cross it must be refused by the line search.
    const objective = differentiable((x) => tf.tidy(() => x.sub(5).square().sum().add(x.log().sum().mul(-1e-3)) as tf.Scalar))
    const { point, values } = run(objective, [0.01], { kind: 'lbfgs', firstStep: 100 }, 40)
    expect(Number.isFinite(point[0])).toBe(true)
    expect(point[0]).toBeCloseTo(5, 2)
    values.slice(1).forEach((v, i) => expect(v).toBeLessThanOrEqual(values[i]))
  })

  it('does not leak tensors over many steps', () => {
    run(rosenbrock, [-1.2, 1], { kind: 'lbfgs', history: 3 }, 5)
    const before = tf.memory().numTensors
    run(rosenbrock, [-1.2, 1], { kind: 'lbfgs', history: 3 }, 50)
    run(quadratic, [0, 0, 0, 0], { kind: 'adam' }, 50)
    expect(tf.memory().numTensors).toBe(before)
  })
})
