import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import {
  contentCost,
  contentNormaliser,
  gramMatrix,
  styleCost,
  styleLayerCost,
  styleNormaliser,
  totalCost,
  totalVariation
} from '../../../src/main/style/costs'
import { swagActivations, swagTemperature } from '../../../src/main/style/swag'

beforeAll(async () => {
  await initBackend('wasm')
})

const read = (t: tf.Tensor): number[] => Array.from(t.dataSync())

describe('costs against hand-computed values', () => {
  // A 1×2×2×2 activation: positions (0,0) (0,1) (1,0) (1,1), channels k = 0, 1.
  //   channel 0: 1 2 3 4     channel 1: 0 1 0 2
  const a = () => tf.tensor4d([1, 0, 2, 1, 3, 0, 4, 2], [1, 2, 2, 2])

  it('contentCost is ½ of the summed squared difference', () => {
    const target = a()
    const generated = tf.tensor4d([1, 1, 0, 1, 3, 0, 4, 0], [1, 2, 2, 2])
    // differences: 0, −1, 2, 0, 0, 0, 0, 2 → ½(1 + 4 + 4) = 4.5
    expect(contentCost(target, generated).dataSync()[0]).toBeCloseTo(4.5, 6)
    // ‖a(C)‖² = 1+4+1+9+16+4 = 35; relative: 9/35
    expect(contentCost(target, generated).dataSync()[0] * contentNormaliser('target-norm', target)).toBeCloseTo(9 / 35, 6)
    expect(contentNormaliser('seed', target)).toBe(1)
    tf.dispose([target, generated])
  })

  it('gramMatrix sums channel products over positions', () => {
    // G00 = 1+4+9+16 = 30, G01 = 0+2+0+8 = 10, G11 = 0+1+0+4 = 5
    expect(read(gramMatrix(a()))).toEqual([30, 10, 10, 5])
  })

  it("gramMatrix's gradient is tf's own gradient of AᵀA", () => {
    const activations = tf.randomUniform([1, 7, 5, 4], -1, 1, 'float32', 11)
    const target = tf.randomUniform([4, 4], 0, 3, 'float32', 12)
    const cost = (gram: (x: tf.Tensor) => tf.Tensor) => (x: tf.Tensor) => tf.squaredDifference(gram(x), target).sum()
    const stock = (x: tf.Tensor): tf.Tensor => {
      const a = x.reshape([-1, 4]) as tf.Tensor2D
      return tf.matMul(a, a, true, false)
    }
    const ours = tf.grad(cost(gramMatrix))(activations)
    const theirs = tf.grad(cost(stock))(activations)
    expect(ours.shape).toEqual(activations.shape)
    const scale = read(theirs.abs().max())[0]
    expect(scale).toBeGreaterThan(0)
    expect(read(ours.sub(theirs).abs().max())[0] / scale).toBeLessThan(1e-5)
    tf.dispose([activations, target, ours, theirs])
  })

  it('styleLayerCost and its normalisers', () => {
    const target = tf.tensor2d([30, 10, 10, 5], [2, 2])
    const generated = tf.tensor2d([28, 11, 11, 5], [2, 2])
    // ‖Gs − Gg‖² = 4 + 1 + 1 + 0 = 6
    expect(styleLayerCost(target, generated, 1).dataSync()[0]).toBeCloseTo(6, 6)
    // seed: 1/(2·2·2·2)² = 1/256
    expect(styleNormaliser('seed', target, [1, 2, 2, 2])).toBeCloseTo(1 / 256, 12)
    expect(styleNormaliser('none', target, [1, 2, 2, 2])).toBe(1)
    // ‖Gs‖² = 900 + 100 + 100 + 25 = 1125
    expect(styleNormaliser('target-norm', target, [1, 2, 2, 2])).toBeCloseTo(1 / 1125, 12)
    // mean 13.75; deviations 16.25, −3.75, −3.75, −8.75 → 264.0625 + 2·14.0625 + 76.5625 = 368.75
    expect(styleNormaliser('target-norm', target, [1, 2, 2, 2], true)).toBeCloseTo(1 / 368.75, 12)
    tf.dispose([target, generated])
  })

  it('styleCost weights the layers with λ', () => {
    const costs = [tf.scalar(2), tf.scalar(5)]
    expect(styleCost(costs, [0.5, 3]).dataSync()[0]).toBeCloseTo(16, 6)
    tf.dispose(costs)
  })

  it('totalVariation is the mean squared neighbour difference', () => {
    // One channel 2×3: [[0, 1, 3], [2, 2, 2]]
    // down: (2−0)² + (2−1)² + (2−3)² = 6; right: 1 + 4 + 0 + 0 = 5; / 6 pixels
    const image = tf.tensor3d([0, 1, 3, 2, 2, 2], [2, 3, 1])
    expect(totalVariation(image).dataSync()[0]).toBeCloseTo(11 / 6, 6)
    expect(totalVariation(image.expandDims(0) as tf.Tensor4D).dataSync()[0]).toBeCloseTo(11 / 6, 6)
    image.dispose()
  })

  it('totalCost is α·Jc + β·Js + γ·TV', () => {
    const parts = [tf.scalar(2), tf.scalar(3), tf.scalar(5)] as const
    expect(totalCost({ content: 1, style: 10, tv: 0.1 }, ...parts).dataSync()[0]).toBeCloseTo(32.5, 6)
    tf.dispose([...parts])
  })

  it('swagActivations is a per-channel softmax over positions, scaled by their count', () => {
    // T = 1, channel 0 logits ln 1, ln 2, ln 3, ln 4 → 4·[1,2,3,4]/10; channel 1 constant → 1 everywhere
    const logits = tf.tensor4d([0, 5, Math.log(2), 5, Math.log(3), 5, Math.log(4), 5], [1, 2, 2, 2])
    const expected = [0.4, 1, 0.8, 1, 1.2, 1, 1.6, 1]
    read(swagActivations(logits, 1)).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5))
    // Temperature divides the logits: T = 2 on 2·logits gives the same.
    read(swagActivations(logits.mul(2) as tf.Tensor4D, 2)).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5))
    logits.dispose()
  })

  it('swagTemperature is the factor times the activation std', () => {
    // values 1, 3 → mean 2, population std 1
    const activations = tf.tensor4d([1, 3, 1, 3], [1, 2, 2, 1])
    expect(swagTemperature(activations, 10)).toBeCloseTo(10, 5)
    activations.dispose()
  })
})
