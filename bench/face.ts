/**
 * Time per image for detect + landmarks + align + encode: ours (analyzeFaces with the app's
 * defaults) against face-api's detectAllFaces().withFaceLandmarks().withFaceDescriptors(), same
 * backend, same process. The two alternate on every image and every repeat so that load from other
 * processes on a shared machine falls on both alike. One JSON line per image, then a summary whose
 * `medianRatio` (median over images of ours / face-api) is the figure to hold: goal ≤ 1.0. Where
 * face-api finds no face in a tight crop, ours pays for a second detection on a framed copy and
 * finds it; `likeForLikeRatio` leaves those images out (both found the same number of faces).
 *
 *   npx tsx bench/face.ts [repeats]      LIKENESS_BACKEND=wasm|cpu  FACE_DETECTOR=ssd|tiny
 */
import * as tf from '@tensorflow/tfjs'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { initBackend } from '../src/main/engine/backend'
import { decodeImage, type RgbImage } from '../src/main/image/decode'
import { analyzeFaces } from '../src/main/face/analyze'
import { defaultMinConfidence } from '../src/main/face/detect'
import { asLibraryTensor, faceapi } from '../src/main/face/faceapi'
import { ModelCache } from '../src/main/models/cache'
import { modelFiles } from '../src/main/models/registry'
import type { Detector } from '../src/shared/api/face'
import os from 'node:os'

const faceModelDir = path.dirname(modelFiles('ssd', { dataDir: os.tmpdir() })[0]!)
const demoDir = path.join(faceModelDir, '..', 'demo')
const datasetDir = path.resolve(import.meta.dirname, '..', '..', 'shared', 'datasets', 'faces')
const repeats = Number(process.argv[2] ?? 3)
const detector = (process.env.FACE_DETECTOR ?? 'ssd') as Detector

/** face-api's shipped group photos, then every labelled face set when the shared datasets are present. */
function imageFiles(): string[] {
  const samples = [1, 2, 3, 4, 5, 6].map((i) => path.join(demoDir, `sample${i}.jpg`))
  if (!existsSync(datasetDir)) return samples
  const walk = (dir: string): string[] =>
    readdirSync(dir)
      .sort()
      .flatMap((name) => {
        const full = path.join(dir, name)
        return statSync(full).isDirectory() ? walk(full) : /\.(jpe?g|png)$/i.test(name) ? [full] : []
      })
  return [...samples, ...walk(datasetDir)]
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

async function timed(run: () => Promise<number>): Promise<{ ms: number; faces: number }> {
  const start = performance.now()
  const faces = await run()
  return { ms: performance.now() - start, faces }
}

async function main(): Promise<void> {
  const backend = await initBackend((process.env.LIKENESS_BACKEND as 'wasm' | 'cpu' | undefined) ?? 'wasm')
  const cache = new ModelCache({ dataDir: os.tmpdir() })
  const models = await cache.faceModels()
  // the reference pipeline reads its networks from faceapi.nets: the same weight files
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(faceModelDir)
  await faceapi.nets.tinyFaceDetector.loadFromDisk(faceModelDir)
  await faceapi.nets.faceLandmark68Net.loadFromDisk(faceModelDir)
  await faceapi.nets.faceRecognitionNet.loadFromDisk(faceModelDir)
  const libraryOptions =
    detector === 'ssd'
      ? new faceapi.SsdMobilenetv1Options({ minConfidence: defaultMinConfidence })
      : new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: defaultMinConfidence })

  const ours = (image: RgbImage) => timed(async () => (await analyzeFaces(models, image, { detector, minFaceSize: 0 })).length)
  const reference = (image: RgbImage) =>
    timed(async () => {
      const pixels = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32')
      const found = await faceapi.detectAllFaces(asLibraryTensor(pixels), libraryOptions).withFaceLandmarks().withFaceDescriptors()
      pixels.dispose()
      return found.length
    })

  const files = imageFiles()
  // warm both pipelines (kernel compilation, first allocations) outside the measurement
  const { image: warmup } = await decodeImage(readFileSync(files[0]))
  await ours(warmup)
  await reference(warmup)

  const ratios: number[] = []
  const likeForLike: number[] = []
  let oursTotal = 0
  let referenceTotal = 0
  let oursFaces = 0
  let referenceFaces = 0
  for (const file of files) {
    const { image } = await decodeImage(readFileSync(file))
    const oursMs: number[] = []
    const referenceMs: number[] = []
    let faces = { ours: 0, reference: 0 }
    for (let i = 0; i < repeats; i++) {
      // alternate who goes first, so neither always runs on a warmer cache
      const order = i % 2 === 0 ? [ours, reference] : [reference, ours]
      for (const run of order) {
        const { ms, faces: count } = await run(image)
        if (run === ours) {
          oursMs.push(ms)
          faces = { ...faces, ours: count }
        } else {
          referenceMs.push(ms)
          faces = { ...faces, reference: count }
        }
      }
    }
    const oursMedian = median(oursMs)
    const referenceMedian = median(referenceMs)
    ratios.push(oursMedian / referenceMedian)
    if (faces.ours === faces.reference) likeForLike.push(oursMedian / referenceMedian)
    oursTotal += oursMedian
    referenceTotal += referenceMedian
    oursFaces += faces.ours
    referenceFaces += faces.reference
    console.log(
      JSON.stringify({
        bench: 'face.pipeline',
        image: path.relative(path.join(datasetDir, '..', '..'), file).replace(/^(\.\.\/)+/, ''),
        width: image.width,
        height: image.height,
        detector,
        oursMs: +oursMedian.toFixed(1),
        faceapiMs: +referenceMedian.toFixed(1),
        ratio: +(oursMedian / referenceMedian).toFixed(3),
        oursFaces: faces.ours,
        faceapiFaces: faces.reference
      })
    )
  }
  console.log(
    JSON.stringify({
      bench: 'face.pipeline.summary',
      backend: backend.name,
      simd: backend.simd,
      threads: backend.threads,
      detector,
      images: files.length,
      repeats,
      medianRatio: +median(ratios).toFixed(3),
      likeForLikeRatio: +median(likeForLike).toFixed(3),
      likeForLikeImages: likeForLike.length,
      totalRatio: +(oursTotal / referenceTotal).toFixed(3),
      oursMsPerImage: +(oursTotal / files.length).toFixed(1),
      faceapiMsPerImage: +(referenceTotal / files.length).toFixed(1),
      oursFaces,
      faceapiFaces: referenceFaces
    })
  )
  await cache.dispose()
}

await main()
