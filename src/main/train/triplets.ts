import { LikenessError } from '../../shared/errors'
import type { MiningStrategy } from '../../shared/api/train'
import type { Triplet } from './tripletLoss'
import { shuffled, type Random } from '../engine/random'

export type Mining = MiningStrategy

export interface BatchShape {
  /** P: people per batch (each with at least two images). */
  people: number
  /** K: images per person. */
  imagesPerPerson: number
  /** Images of single-image people added as extra negatives. */
  extraNegatives: number
}

/**
 * P people × K images, drawn from those with two or more images; people with a single image
 * can never be an anchor's positive, so they join only as negatives.
 */
export function sampleBatch(labels: readonly string[], shape: BatchShape, random: Random): number[] {
  const byPerson = new Map<string, number[]>()
  labels.forEach((label, i) => byPerson.set(label, [...(byPerson.get(label) ?? []), i]))
  const groups = [...byPerson.values()]
  const anchors = groups.filter((g) => g.length >= 2)
  if (anchors.length < 2) throw new LikenessError('BadRequest', 'Training needs at least two people with two or more images each.', { people: anchors.length })
  const singles = groups.filter((g) => g.length === 1).map((g) => g[0]!)
  const chosen = shuffled(anchors, random).slice(0, shape.people)
  return [
    ...chosen.flatMap((group) => shuffled(group, random).slice(0, shape.imagesPerPerson)),
    ...shuffled(singles, random).slice(0, shape.extraNegatives)
  ]
}

/**
 * One triplet per anchor that has a positive in the batch. `distances` is the batch's n×n matrix
 * of ‖f(i) − f(j)‖², row-major.
 * - hard: the farthest positive and the nearest negative — the triplets where d(A,P) ≈ d(A,N)
 *   or worse, which the seed says teach the most.
 * - semihard (FaceNet): the hardest positive, and the nearest negative still farther than it
 *   (d(A,P) < d(A,N)); with none, the nearest negative.
 * - random: any positive, any negative.
 */
export function mineTriplets(distances: ArrayLike<number>, labels: readonly string[], mining: Mining, random: Random): Triplet[] {
  const n = labels.length
  if (distances.length !== n * n) throw new LikenessError('BadRequest', 'distance matrix and labels differ in size', { distances: distances.length, n })
  const triplets: Triplet[] = []
  for (let anchor = 0; anchor < n; anchor++) {
    const d = (j: number): number => distances[anchor * n + j]!
    const positives: number[] = []
    const negatives: number[] = []
    for (let j = 0; j < n; j++) {
      if (j === anchor) continue
      ;(labels[j] === labels[anchor] ? positives : negatives).push(j)
    }
    if (positives.length === 0 || negatives.length === 0) continue
    if (mining === 'random') {
      triplets.push({ anchor, positive: positives[Math.floor(random() * positives.length)]!, negative: negatives[Math.floor(random() * negatives.length)]! })
      continue
    }
    const positive = positives.reduce((best, j) => (d(j) > d(best) ? j : best))
    const nearest = (candidates: number[]): number => candidates.reduce((best, j) => (d(j) < d(best) ? j : best))
    const fartherThanPositive = negatives.filter((j) => d(j) > d(positive))
    const negative = mining === 'semihard' && fartherThanPositive.length > 0 ? nearest(fartherThanPositive) : nearest(negatives)
    triplets.push({ anchor, positive, negative })
  }
  return triplets
}

/** Share of triplets with L > 0: those still teaching something. */
export function activeShare(losses: ArrayLike<number>): number {
  if (losses.length === 0) return 0
  let active = 0
  for (let i = 0; i < losses.length; i++) if (losses[i]! > 0) active++
  return active / losses.length
}
