// Accuracy of the face pipeline on labelled folders: ../shared/datasets/faces/<set>/<person>/*.jpg.
// One JSON line per set and variant (level eyes or not, mirror averaging or not), same detections for all.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { sharedDatasets } from '../test/support/datasets'
import { initBackend } from '../src/main/engine/backend'
import { decodeImage } from '../src/main/image/decode'
import { describeFaces, findFaces } from '../src/main/face/analyze'
import { auc, eer, pairTrials, rank1, tarAtFar, thresholdForBalancedAccuracy } from '../src/main/face/calibrate'
import { ModelCache } from '../src/main/models/cache'
import { listLabelledFolder } from '../src/main/service/evaluate'
import type { Detector } from '../src/shared/api/face'
import os from 'node:os'

const datasetDir = path.join(sharedDatasets() ?? path.resolve(import.meta.dirname, '..', '..', 'shared', 'datasets'), 'faces')
const detector = (process.env.FACE_DETECTOR ?? 'ssd') as Detector
const sets = process.env.FACE_SETS?.split(',')
const variants = [
  { levelEyes: false, mirror: false },
  { levelEyes: true, mirror: false },
  { levelEyes: false, mirror: true },
  { levelEyes: true, mirror: true }
]

async function main(): Promise<void> {
  if (!existsSync(datasetDir)) {
    console.log(JSON.stringify({ bench: 'face.eval', skipped: `no datasets at ${datasetDir}` }))
    return
  }
  await initBackend('wasm')
  const cache = new ModelCache({ dataDir: os.tmpdir() })
  const models = await cache.faceModels()
  for (const set of sets ?? readdirSync(datasetDir).sort()) {
    const images = (await listLabelledFolder(path.join(datasetDir, set))).map(({ label, file }) => ({ person: label, file }))
    const found: { person: string; image: Awaited<ReturnType<typeof decodeImage>>['image']; landmarks: { x: number; y: number }[] }[] = []
    for (const { person, file } of images) {
      const { image } = await decodeImage(readFileSync(file))
      const faces = await findFaces(models, image, { detector, minFaceSize: 0 }).catch(() => [])
      if (faces.length > 0) found.push({ person, image, landmarks: faces[0].landmarks })
    }
    for (const variant of variants) {
      const descriptors: Float32Array[] = []
      for (const face of found) descriptors.push(...(await describeFaces(models, face.image, [face.landmarks], variant)))
      const labels = found.map(({ person }) => person)
      const trials = pairTrials(descriptors, labels)
      const best = thresholdForBalancedAccuracy(trials)
      const identified = rank1(descriptors, labels)
      console.log(
        JSON.stringify({
          bench: 'face.eval',
          set,
          detector,
          ...variant,
          people: new Set(images.map(({ person }) => person)).size,
          images: images.length,
          facesFound: found.length,
          auc: +auc(trials).toFixed(4),
          eer: +eer(trials).eer.toFixed(4),
          threshold: +best.threshold.toFixed(4),
          accuracy: +best.balancedAccuracy.toFixed(4),
          tarAtFar1e3: +tarAtFar(trials, 1e-3).tar.toFixed(4),
          rank1: +identified.rank1.toFixed(4)
        })
      )
    }
  }
  await cache.dispose()
}

await main()
