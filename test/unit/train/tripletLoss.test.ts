import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { absoluteDifference, chiSquare, pairInput } from '../../../src/main/train/pairHead'
import { activeShare, mineTriplets } from '../../../src/main/train/triplets'
import { batchTripletCost, tripletLoss } from '../../../src/main/train/tripletLoss'
import { seededRandom } from '../../../src/main/engine/random'

describe('triplet loss', () => {
  beforeAll(async () => {
    await initBackend('wasm')
  })

  it('is max(‖A−P‖² − ‖A−N‖² + α, 0) per triplet', async () => {
    const anchor = tf.tensor2d([[0, 0], [0, 0]])
    const positive = tf.tensor2d([[0.3, 0.4], [0.1, 0]]) // ‖A−P‖² = 0.25, 0.01
    const negative = tf.tensor2d([[0.6, 0], [1, 0]]) // ‖A−N‖² = 0.36, 1
    const losses = tripletLoss(anchor, positive, negative, 0.2)
    // 0.25 − 0.36 + 0.2 = 0.09; 0.01 − 1 + 0.2 < 0 → 0
    const values = await losses.data()
    expect(values[0]).toBeCloseTo(0.09, 6)
    expect(values[1]).toBe(0)
    tf.dispose([anchor, positive, negative, losses])
  })

  it('sums L over the triplets of L2-normalised embeddings', async () => {
    // rows become (1,0), (0,1), (1,0) after normalisation
    const embeddings = tf.tensor2d([[2, 0], [0, 3], [5, 0]])
    const { cost, losses } = batchTripletCost(embeddings, [{ anchor: 0, positive: 1, negative: 2 }, { anchor: 0, positive: 2, negative: 1 }], 0.2)
    // first: ‖A−P‖² = 2, ‖A−N‖² = 0 → 2.2; second: 0 − 2 + 0.2 < 0 → 0
    expect(await losses.data()).toEqual(new Float32Array([2.2, 0]).map((v) => Math.fround(v)))
    expect((await cost.data())[0]).toBeCloseTo(2.2, 5)
    expect(activeShare(await losses.data())).toBe(0.5)
    tf.dispose([embeddings, cost, losses])
  })
})

describe('χ² and |·| pair features', () => {
  it('computes (f1 − f2)²/(f1 + f2) on shifted components and |f1 − f2|', () => {
    expect(chiSquare(1.5, 0.5)).toBeCloseTo(1 / 2, 5) // (1)² / 2
    expect(chiSquare(0, 0)).toBe(0) // ε: 0/ε, not NaN
    expect(absoluteDifference(-0.25, 0.5)).toBe(0.75)
    // (3, −4)/5 + 1 = (1.6, 0.2): negative components made non-negative for χ²
    const shifted = pairInput([3, -4], 'chi2')
    expect(shifted[0]).toBeCloseTo(1.6, 6)
    expect(shifted[1]).toBeCloseTo(0.2, 6)
    expect(pairInput([3, -4], 'abs')[1]).toBeCloseTo(-0.8, 6)
  })
})

describe('triplet mining', () => {
  // Five faces: three of a, two of b. Squared distances chosen by hand, symmetric.
  const labels = ['a', 'a', 'a', 'b', 'b']
  const d = [
    [0, 0.5, 0.9, 0.7, 1.2],
    [0.5, 0, 0.3, 0.4, 1.0],
    [0.9, 0.3, 0, 1.5, 0.2],
    [0.7, 0.4, 1.5, 0, 0.6],
    [1.2, 1.0, 0.2, 0.6, 0]
  ]
  const distances = d.flat()

  it('hard: the farthest positive and the nearest negative of each anchor', () => {
    const triplets = mineTriplets(distances, labels, 'hard', seededRandom(1))
    expect(triplets).toEqual([
      { anchor: 0, positive: 2, negative: 3 }, // positives 0.5, 0.9 → 2; negatives 0.7, 1.2 → 3
      { anchor: 1, positive: 0, negative: 3 }, // positives 0.5, 0.3 → 0; negatives 0.4, 1.0 → 3
      { anchor: 2, positive: 0, negative: 4 }, // positives 0.9, 0.3 → 0; negatives 1.5, 0.2 → 4
      { anchor: 3, positive: 4, negative: 1 }, // one positive; negatives 0.7, 0.4, 1.5 → 1
      { anchor: 4, positive: 3, negative: 2 } // one positive; negatives 1.2, 1.0, 0.2 → 2
    ])
  })

  it('semihard: the nearest negative still farther than the positive', () => {
    const triplets = mineTriplets(distances, labels, 'semihard', seededRandom(1))
    // anchor 0: d(A,P) = 0.9; negatives 0.7, 1.2 → only 1.2 is farther → 4
    expect(triplets[0]).toEqual({ anchor: 0, positive: 2, negative: 4 })
    // anchor 3: d(A,P) = 0.6; negatives 0.7, 0.4, 1.5 → 0.7 → 0
    expect(triplets[3]).toEqual({ anchor: 3, positive: 4, negative: 0 })
  })

  it('skips anchors without a positive (single-image people are negatives only)', () => {
    const triplets = mineTriplets([0, 1, 1, 1, 0, 1, 1, 1, 0], ['a', 'a', 'c'], 'hard', seededRandom(1))
    expect(triplets.map((t) => t.anchor)).toEqual([0, 1])
    expect(triplets.every((t) => t.negative === 2)).toBe(true)
  })
})
