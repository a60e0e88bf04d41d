// Time per image for detect + align + encode, ours vs face-api's own pipeline, same backend, same run.
// Prints one JSON line per image and a summary line; the ratio is ours / face-api (goal ≤ 1.0).
import * as tf from '@tensorflow/tfjs'
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { initBackend } from '../src/main/engine/backend'
import { decodeImage } from '../src/main/image/decode'
import { analyzeFaces } from '../src/main/face/analyze'
import { asLibraryTensor, faceapi } from '../src/main/face/faceapi'
import { FaceModels } from '../src/main/face/faceModels'
import type { DetectorKind } from '../src/main/face/types'

const require = createRequire(import.meta.url)
const demoDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo')
const datasetDir = path.resolve(import.meta.dirname, '..', '..', 'shared', 'datasets', 'faces')
const repeats = 3

function imageFiles(): string[] {
  const samples = [1, 2, 3, 4, 5, 6].map((i) => path.join(demoDir, `sample${i}.jpg`))
  if (!existsSync(datasetDir)) return samples
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name)
      return statSync(full).isDirectory() ? walk(full) : /\.(jpe?g|png)$/i.test(name) ? [full] : []
    })
  return [...samples, ...walk(datasetDir)]
}

async function medianMs(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < repeats; i++) {
    const start = performance.now()
    await run()
    times.push(performance.now() - start)
  }
  return times.sort((a, b) => a - b)[Math.floor(repeats / 2)]
}

async function main(): Promise<void> {
  const backend = await initBackend((process.env.LIKENESS_BACKEND as 'wasm' | 'cpu' | undefined) ?? 'wasm')
  const models = await FaceModels.load()
  // the reference pipeline reads its nets from faceapi.nets; give it the same weights
  const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model')
  await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir)
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelDir)
  await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir)
  await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir)
  const detectors: DetectorKind[] = (process.env.FACE_DETECTORS ?? 'ssd,tiny').split(',') as DetectorKind[]
  const totals: Record<string, { ours: number; faceapi: number; images: number; oursFaces: number; faceapiFaces: number }> = {}
  for (const file of imageFiles()) {
    const { image } = await decodeImage(readFileSync(file))
    for (const detector of detectors) {
      const options = detector === 'ssd' ? new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 }) : new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 })
      let oursFaces = 0
      let faceapiFaces = 0
      const ours = await medianMs(async () => {
        oursFaces = (await analyzeFaces(models, image, { detector, minFaceSize: 0 })).length
      })
      const reference = await medianMs(async () => {
        const pixels = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32')
        const found = await faceapi.detectAllFaces(asLibraryTensor(pixels), options).withFaceLandmarks().withFaceDescriptors()
        pixels.dispose()
        faceapiFaces = found.length
      })
      const total = (totals[detector] ??= { ours: 0, faceapi: 0, images: 0, oursFaces: 0, faceapiFaces: 0 })
      total.ours += ours
      total.faceapi += reference
      total.images++
      total.oursFaces += oursFaces
      total.faceapiFaces += faceapiFaces
      console.log(JSON.stringify({ bench: 'face.pipeline', image: path.relative(path.dirname(datasetDir), file).replace(/^(\.\.\/)+/, ''), width: image.width, height: image.height, detector, oursMs: +ours.toFixed(1), faceapiMs: +reference.toFixed(1), ratio: +(ours / reference).toFixed(3), oursFaces, faceapiFaces }))
    }
  }
  for (const [detector, t] of Object.entries(totals)) {
    console.log(JSON.stringify({ bench: 'face.pipeline.summary', backend: backend.name, simd: backend.simd, detector, images: t.images, oursMsPerImage: +(t.ours / t.images).toFixed(1), faceapiMsPerImage: +(t.faceapi / t.images).toFixed(1), ratio: +(t.ours / t.faceapi).toFixed(3), oursFaces: t.oursFaces, faceapiFaces: t.faceapiFaces }))
  }
  models.dispose()
}

await main()
