import { describe, expect, it } from 'vitest'
import {
  allPairs,
  auc,
  eer,
  identificationFar,
  pairTrials,
  perComparisonFar,
  rank1,
  rocCurve,
  tarAtFar,
  tauForIdentificationFar,
  thresholdForBalancedAccuracy,
  type Trials
} from '../../../src/main/face/calibrate'
import { descriptorDimension } from '../../../src/shared/api/face'

function distances(same: number[], different: number[]): Trials {
  return { values: [...same, ...different], same: [...same.map(() => true), ...different.map(() => false)], polarity: 'distance' }
}

/** Same-person d 0.1 0.2 0.3 0.6, different-person d 0.4 0.5 0.7 0.8: worked through by hand below. */
const separable = distances([0.1, 0.2, 0.3, 0.6], [0.4, 0.5, 0.7, 0.8])

function axis(i: number, scale = 1): Float32Array {
  const v = new Float32Array(descriptorDimension)
  v[i] = scale
  return v
}

describe('calibration', () => {
  it('draws the ROC through every distinct threshold, ties entering together', () => {
    // Same 0.1 0.3 0.5, different 0.3 0.6: at τ = 0.3 one same and one different enter at once.
    expect(rocCurve(distances([0.1, 0.3, 0.5], [0.3, 0.6]))).toEqual([
      { threshold: -Infinity, far: 0, tar: 0 },
      { threshold: 0.1, far: 0, tar: 1 / 3 },
      { threshold: 0.3, far: 0.5, tar: 2 / 3 },
      { threshold: 0.5, far: 0.5, tar: 1 },
      { threshold: 0.6, far: 1, tar: 1 }
    ])
  })

  it('computes AUC by ranks, a tie counting one half', () => {
    // Of the 6 (same, different) pairs, 4 order correctly, (0.3, 0.3) ties, (0.5, 0.3) does not: 4.5 / 6.
    expect(auc(distances([0.1, 0.3, 0.5], [0.3, 0.6]))).toBeCloseTo(0.75, 12)
    expect(auc(separable)).toBeCloseTo(14 / 16, 12)
    // A similarity is the mirror image of a distance.
    expect(auc({ ...separable, values: Array.from(separable.values, (d) => 1 - d), polarity: 'similarity' })).toBeCloseTo(14 / 16, 12)
  })

  it('finds the equal error rate where FAR meets FRR', () => {
    // At τ = 0.4: FAR = 1/4 (0.4 accepted), FRR = 1/4 (0.6 rejected).
    expect(eer(separable)).toEqual({ eer: 0.25, threshold: 0.4 })
    // Same 0.1 0.2 0.3, different 0.25 0.35: from τ = 0.2 (FAR 0) to τ = 0.25 (FAR ½) FRR stays ⅓,
    // so the segment crosses FAR = FRR at ⅓, two thirds of the way along: nearer τ = 0.25.
    const crossing = eer(distances([0.1, 0.2, 0.3], [0.25, 0.35]))
    expect(crossing.eer).toBeCloseTo(1 / 3, 12)
    expect(crossing.threshold).toBe(0.25)
  })

  it('reads TAR at a FAR and the threshold of best balanced accuracy', () => {
    expect(tarAtFar(separable, 0)).toEqual({ threshold: 0.3, far: 0, tar: 0.75 })
    expect(tarAtFar(separable, 0.5)).toEqual({ threshold: 0.6, far: 0.5, tar: 1 })
    // τ = 0.3: TAR 3/4, FAR 0 → ½ (3/4 + 1) = 7/8.
    expect(thresholdForBalancedAccuracy(separable)).toEqual({ threshold: 0.3, balancedAccuracy: 0.875 })
  })

  it('refuses trials without both kinds of pairs', () => {
    expect(() => auc(distances([0.1], []))).toThrow(expect.objectContaining({ kind: 'BadRequest' }))
  })

  it('forms every same and different pair, and their distances', () => {
    expect(allPairs(['a', 'b', 'a'])).toEqual({ same: [[0, 2]], different: [[0, 1], [1, 2]] })
    const trials = pairTrials([axis(0), axis(1), axis(0, 2)], ['a', 'b', 'a'])
    expect(trials).toEqual({ values: [1, 2, 5], same: [true, false, false], polarity: 'distance' })
  })

  it('scores one-shot identification from each person’s first embedding', () => {
    // Gallery: a → axis 0, b → axis 1. Probe 2 (a, near axis 0) is right; probe 3 (b, on axis 0) is wrong.
    const descriptors = [axis(0), axis(1), axis(0, 0.9), axis(0, 1.1), axis(1, 1.2)]
    expect(rank1(descriptors, ['a', 'b', 'a', 'b', 'b'])).toEqual({ rank1: 2 / 3, correct: 2, probes: 3 })
  })

  it('turns a per-comparison FAR into a 1:K FAR and back', () => {
    expect(identificationFar(0.5, 2)).toBeCloseTo(0.75, 12)
    expect(perComparisonFar(0.75, 2)).toBeCloseTo(0.5, 12)
    // Small p, against the binomial series Σ (−1)^(j+1) C(K, j) p^j, where 1 − (1 − p)^K in
    // doubles already loses ten digits.
    let series = 0
    for (let j = 1, binomial = 1; j <= 6; j++) {
      binomial = (binomial * (1000 - j + 1)) / j
      series += (-1) ** (j + 1) * binomial * 1e-6 ** j
    }
    expect(identificationFar(1e-6, 1000)).toBeCloseTo(series, 17)
    expect(perComparisonFar(identificationFar(1e-6, 1000), 1000)).toBeCloseTo(1e-6, 15)
  })

  it('chooses τ that keeps a K-person search at the target FAR', () => {
    // K = 2, target ¾ → p = ½ → at most 2 of 4 impostors accepted: τ just under 0.7.
    const chosen = tauForIdentificationFar([0.8, 0.5, 0.7, 0.6], 0.75, 2)
    expect(chosen.perComparisonFar).toBeCloseTo(0.5, 12)
    expect(chosen.tau).toBeLessThan(0.7)
    expect(chosen.tau).toBeGreaterThan(0.6999999)
    expect(chosen.empiricalFar).toBe(0.5)
    // A stricter target than four impostors can show: τ below them all.
    expect(tauForIdentificationFar([0.8, 0.5, 0.7, 0.6], 1e-3, 100).empiricalFar).toBe(0)
  })
})
