import { LikenessError } from '../../shared/errors'
import { squaredDistance } from './distance'
import { Gallery } from './gallery'

/**
 * Verification metrics over labelled comparisons. A distance accepts "same person" when
 * value ≤ threshold; a similarity (e.g. the learned head's ŷ) when value ≥ threshold.
 */
export type Polarity = 'distance' | 'similarity'

export interface Trials {
  values: ArrayLike<number>
  same: ArrayLike<boolean>
  polarity: Polarity
}

/** FAR: share of different-person trials accepted; TAR: share of same-person trials accepted. */
export interface RocPoint {
  threshold: number
  far: number
  tar: number
}

function checkTrials(trials: Trials): { positives: number; negatives: number } {
  if (trials.values.length !== trials.same.length) {
    throw new LikenessError('BadRequest', 'values and labels differ in number', { values: trials.values.length, labels: trials.same.length })
  }
  let positives = 0
  for (let i = 0; i < trials.values.length; i++) {
    if (!Number.isFinite(trials.values[i])) throw new LikenessError('BadRequest', `trial ${i} is not a finite number`)
    if (trials.same[i]) positives++
  }
  const negatives = trials.values.length - positives
  if (positives === 0 || negatives === 0) {
    throw new LikenessError('BadRequest', 'calibration needs both same-person and different-person trials', { positives, negatives })
  }
  return { positives, negatives }
}

/** Higher means "more likely the same person", whatever the polarity. */
function acceptance(trials: Trials, i: number): number {
  return trials.polarity === 'distance' ? -trials.values[i] : trials.values[i]
}

/**
 * One point per distinct value, from accepting nothing (0, 0) to accepting everything (1, 1);
 * tied values enter together, so every point is a threshold one could actually use.
 */
export function rocCurve(trials: Trials): RocPoint[] {
  const { positives, negatives } = checkTrials(trials)
  const order = Array.from({ length: trials.values.length }, (_, i) => i).sort((a, b) => acceptance(trials, b) - acceptance(trials, a))
  const points: RocPoint[] = [{ threshold: trials.polarity === 'distance' ? -Infinity : Infinity, far: 0, tar: 0 }]
  let truePositives = 0
  let falsePositives = 0
  for (let at = 0; at < order.length; ) {
    const value = trials.values[order[at]]
    for (; at < order.length && trials.values[order[at]] === value; at++) {
      if (trials.same[order[at]]) truePositives++
      else falsePositives++
    }
    points.push({ threshold: value, far: falsePositives / negatives, tar: truePositives / positives })
  }
  return points
}

// AUC = P(same-person trial outranks a different-person one) + ½ P(tie) = (R₊ − n₊(n₊+1)/2) / (n₊ n₋)
export function auc(trials: Trials): number {
  const { positives, negatives } = checkTrials(trials)
  const order = Array.from({ length: trials.values.length }, (_, i) => i).sort((a, b) => acceptance(trials, a) - acceptance(trials, b))
  let positiveRankSum = 0
  for (let start = 0; start < order.length; ) {
    let end = start
    while (end < order.length && acceptance(trials, order[end]) === acceptance(trials, order[start])) end++
    // Ties share the mean of the ranks start+1 … end: that is the ½ P(tie) term.
    const midRank = (start + 1 + end) / 2
    for (let i = start; i < end; i++) if (trials.same[order[i]]) positiveRankSum += midRank
    start = end
  }
  return (positiveRankSum - (positives * (positives + 1)) / 2) / (positives * negatives)
}

/**
 * Equal error rate: where FAR = FRR (= 1 − TAR), interpolated linearly on the ROC segment that
 * crosses; the threshold is that of the segment's end nearer to the crossing.
 */
export function eer(trials: Trials): { eer: number; threshold: number } {
  const points = rocCurve(trials)
  const gap = (p: RocPoint): number => 1 - p.tar - p.far
  const after = points.findIndex((p) => gap(p) <= 0)
  const before = points[after - 1]
  const crossing = points[after]
  const t = gap(before) / (gap(before) - gap(crossing))
  return {
    eer: before.far + t * (crossing.far - before.far),
    threshold: t < 0.5 ? before.threshold : crossing.threshold
  }
}

/** The highest TAR whose FAR does not exceed `far`, and the strictest threshold reaching it. */
export function tarAtFar(trials: Trials, far: number): RocPoint {
  const points = rocCurve(trials)
  let best = points[0]
  for (const point of points) if (point.far <= far && point.tar > best.tar) best = point
  return best
}

// balanced accuracy = ½ (TAR + (1 − FAR))
export function thresholdForBalancedAccuracy(trials: Trials): { threshold: number; balancedAccuracy: number } {
  let best = { threshold: NaN, balancedAccuracy: -1 }
  for (const point of rocCurve(trials)) {
    const balancedAccuracy = (point.tar + 1 - point.far) / 2
    if (balancedAccuracy > best.balancedAccuracy) best = { threshold: point.threshold, balancedAccuracy }
  }
  return best
}

/** Every unordered pair i < j, split into same-label and different-label pairs. */
export function allPairs(labels: readonly string[]): { same: [number, number][]; different: [number, number][] } {
  const same: [number, number][] = []
  const different: [number, number][] = []
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) (labels[i] === labels[j] ? same : different).push([i, j])
  }
  return { same, different }
}

/** d for every pair of embeddings, labelled same or different person. */
export function pairTrials(descriptors: readonly Float32Array[], labels: readonly string[]): Trials {
  const { same, different } = allPairs(labels)
  const pairs = [...same, ...different]
  return {
    values: pairs.map(([i, j]) => squaredDistance(descriptors[i], descriptors[j])),
    same: pairs.map((_, n) => n < same.length),
    polarity: 'distance'
  }
}

/**
 * One-shot identification: each person's first embedding (in the given order) is the gallery;
 * rank-1 is the share of the other embeddings whose nearest template is their own person's.
 */
export function rank1(descriptors: readonly Float32Array[], labels: readonly string[]): { rank1: number; correct: number; probes: number } {
  const gallery = new Gallery()
  const probes: number[] = []
  labels.forEach((label, i) => {
    if (gallery.hasPerson(label)) probes.push(i)
    else gallery.add({ templateIds: [String(i)], personIds: [label], descriptors: descriptors[i] })
  })
  if (probes.length === 0) throw new LikenessError('BadRequest', 'rank-1 needs a person with a second embedding to identify')
  const nearest = gallery.searchBatch(
    probes.map((i) => descriptors[i]),
    1
  )
  const correct = probes.filter((i, n) => nearest[n][0].personId === labels[i]).length
  return { rank1: correct / probes.length, correct, probes: probes.length }
}

function checkProbability(p: number, what: string): void {
  if (!(p >= 0 && p <= 1)) throw new LikenessError('BadRequest', `${what} must be a probability, got ${p}`)
}

function checkGallerySize(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new LikenessError('BadRequest', `gallery size must be a positive integer, got ${k}`)
}

// FAR₁:K = 1 − (1 − p)^K   (log1p/expm1 keep p ≈ 1e-6 from vanishing in 1 − p)
export function identificationFar(perComparisonFar: number, gallerySize: number): number {
  checkProbability(perComparisonFar, 'the per-comparison FAR')
  checkGallerySize(gallerySize)
  return -Math.expm1(gallerySize * Math.log1p(-perComparisonFar))
}

// p = 1 − (1 − FAR₁:K)^(1/K)
export function perComparisonFar(identificationFarTarget: number, gallerySize: number): number {
  checkProbability(identificationFarTarget, 'the identification FAR')
  checkGallerySize(gallerySize)
  return -Math.expm1(Math.log1p(-identificationFarTarget) / gallerySize)
}

function largestBelow(x: number): number {
  if (x === 0) return -Number.MIN_VALUE
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, x)
  view.setBigUint64(0, view.getBigUint64(0) + (x > 0 ? -1n : 1n))
  return view.getFloat64(0)
}

/**
 * The largest τ under which at most a share p of the impostor distances is accepted (d ≤ τ),
 * with p the per-comparison FAR that keeps a K-template search at `targetFar`. With fewer than
 * 1/p impostors the data cannot show p; τ then falls just below every impostor.
 */
export function tauForIdentificationFar(
  impostorDistances: ArrayLike<number>,
  targetFar: number,
  gallerySize: number
): { tau: number; perComparisonFar: number; empiricalFar: number } {
  const p = perComparisonFar(targetFar, gallerySize)
  if (impostorDistances.length === 0) throw new LikenessError('BadRequest', 'no impostor distances to calibrate on')
  const sorted = Float64Array.from(impostorDistances).sort()
  // 1e-9 absorbs the rounding of the K-th root, which can land p·n a hair below an integer.
  const allowed = Math.min(sorted.length, Math.floor(p * sorted.length + 1e-9))
  const tau = allowed === sorted.length ? sorted[sorted.length - 1] : largestBelow(sorted[allowed])
  let accepted = 0
  while (accepted < sorted.length && sorted[accepted] <= tau) accepted++
  return { tau, perComparisonFar: p, empiricalFar: accepted / sorted.length }
}
