import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { LikenessError } from '../../shared/errors'
import type { JobProgress } from '../../shared/jobs'
import type { EvalResult, Detector } from '../../shared/api/face'
import { auc, eer, pairTrials, rank1, tarAtFar, thresholdForBalancedAccuracy } from '../face/calibrate'
import type { EnginePool } from '../worker/pool'
import { isImageFile } from '../image/extensions'
import { eachOnEngine, missedImages } from './eachOnEngine'

export interface LabelledImage {
  label: string
  file: string
}

/** One sub-folder per person, images in file-name order; everything else is ignored. */
export async function listLabelledFolder(folder: string): Promise<LabelledImage[]> {
  let entries
  try {
    entries = await readdir(folder, { withFileTypes: true })
  } catch {
    throw new LikenessError('NotFound', `Cannot read the folder ${folder}.`)
  }
  const images: LabelledImage[] = []
  for (const person of entries.filter((e) => e.isDirectory() && !e.name.startsWith('_') && !e.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name))) {
    const files = (await readdir(path.join(folder, person.name))).filter((f) => isImageFile(f)).sort()
    for (const file of files) images.push({ label: person.name, file: path.join(folder, person.name, file) })
  }
  if (images.length === 0) throw new LikenessError('BadRequest', `${folder} has no person folders with images in them.`)
  return images
}

/** Every image's largest face through the engine, spread over all workers; failures recorded, not thrown. */
async function encodeLabelled(
  pool: EnginePool,
  images: readonly LabelledImage[],
  detector: Detector,
  report: (progress: JobProgress) => void,
  signal?: AbortSignal
): Promise<{ labels: string[]; descriptors: Float32Array[]; missed: EvalResult['missed'] }> {
  const { results, failures } = await eachOnEngine(
    images,
    pool.size,
    async (image) => {
      // No live check-in runs beside an evaluation, so it may use the interactive worker too.
      const analyzed = await pool.run('face.analyze', { image: new Uint8Array(await readFile(image.file)), detector }, { lane: 'interactive', signal })
      return analyzed.faces[0]?.descriptor
    },
    (done, total) => report({ done, total, message: `${done} of ${total} images` })
  )
  const kept = images.flatMap((image, i) => (results[i] ? [{ label: image.label, descriptor: results[i] }] : []))
  return { labels: kept.map((f) => f.label), descriptors: kept.map((f) => f.descriptor), missed: missedImages(images.map((i) => i.file), results, failures) }
}

/**
 * The evaluation the README records: every same-person and different-person pair of largest
 * faces, AUC / EER / TAR at FAR 1e-3, the threshold that maximises balanced accuracy, and
 * one-shot rank-1 (each person's first image enrolled, the rest identified).
 */
export async function evaluateFolder(
  pool: EnginePool,
  folder: string,
  detector: Detector,
  report: (progress: JobProgress) => void,
  signal?: AbortSignal
): Promise<EvalResult> {
  const images = await listLabelledFolder(folder)
  const { labels, descriptors, missed } = await encodeLabelled(pool, images, detector, report, signal)
  const trials = pairTrials(descriptors, labels)
  let positivePairs = 0
  for (let i = 0; i < trials.same.length; i++) if (trials.same[i]) positivePairs++
  const best = thresholdForBalancedAccuracy(trials)
  return {
    people: new Set(images.map((i) => i.label)).size,
    images: images.length,
    facesFound: descriptors.length,
    positivePairs,
    negativePairs: trials.same.length - positivePairs,
    auc: auc(trials),
    eer: eer(trials).eer,
    threshold: best.threshold,
    accuracy: best.balancedAccuracy,
    tarAtFar1e3: tarAtFar(trials, 1e-3).tar,
    rank1: rank1(descriptors, labels).rank1,
    missed
  }
}
