import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../../src/main/engine/random'
import { quantileFunction } from '../../../src/main/style/colourCloud'

describe('colour clouds', () => {
  // With as many quantiles as values, F⁻¹ at (k + ½)/n is the k-th order statistic itself.
  it('orders values (a radix sort) exactly as Float32Array sorts them: negatives, zeros of both signs, tiny values, repeats', () => {
    const random = seededRandom(3)
    const values = Float32Array.from({ length: 10_007 }, () => (random() - 0.5) * 300)
    values.set([0, -0, -1e-30, 1e-30, 3e38, -3e38, 42, 42, -42], 0)
    const sorted = quantileFunction(values, values.length)
    // (+ 0 makes −0 and 0 one value: the interpolation's arithmetic turns −0 into 0.)
    const plain = (v: Float32Array): number[] => Array.from(v, (x) => x + 0)
    expect(plain(sorted)).toEqual(plain(Float32Array.from(values).sort()))
    // A copy: the input keeps its order.
    expect(values[4]).toBe(Math.fround(3e38))
  })

  it('reads quantiles between order statistics', () => {
    expect(Array.from(quantileFunction(Float32Array.from([3, 1, 2, 0]), 4))).toEqual([0, 1, 2, 3])
    expect(Array.from(quantileFunction(Float32Array.from([10, 0]), 1))).toEqual([5])
  })
})
