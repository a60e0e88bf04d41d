import { LikenessError } from '../../shared/errors'
import type { DatasetSummary } from '../../shared/api/train'
import { shuffled, type Random } from '../engine/random'

export function summarise(labels: readonly string[], images = labels.length): DatasetSummary {
  const counts = new Map<string, number>()
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1)
  const single = [...counts.values()].filter((c) => c === 1).length
  return { people: counts.size, images, peopleWithPairs: counts.size - single, singleImagePeople: single }
}

/**
 * Train and validation split BY PERSON, so no validation face was ever seen in training, not even
 * another photo of the same person. Both sides get people with pairs; single-image people are
 * spread too (in training they are negatives only; in validation they add impostor pairs).
 */
export function splitByPerson(labels: readonly string[], validationShare: number, random: Random): { train: number[]; validation: number[] } {
  const counts = new Map<string, number>()
  for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1)
  const withPairs = shuffled([...counts.keys()].filter((p) => counts.get(p)! >= 2).sort(), random)
  const singles = shuffled([...counts.keys()].filter((p) => counts.get(p) === 1).sort(), random)
  if (withPairs.length < 4) throw new LikenessError('BadRequest', 'A person-wise split needs at least four people with two or more images.', { people: withPairs.length })
  const validationPeople = new Set([
    ...withPairs.slice(0, Math.max(2, Math.round(withPairs.length * validationShare))),
    ...singles.slice(0, Math.round(singles.length * validationShare))
  ])
  const train: number[] = []
  const validation: number[] = []
  labels.forEach((label, i) => (validationPeople.has(label) ? validation : train).push(i))
  return { train, validation }
}
