/**
 * Every face found, no false face: the photo path's detection (findFaces, as enrollment, verify
 * and `eval` run it) on every labelled set of ../shared/datasets/faces — each image as it is and
 * as a ~100-px greyscale frame filled by the face (long side 100 px, grey) — and on the paintings
 * and photos of style/ and content/, where only the images listed in `holdFaces` (counted by eye)
 * may yield a face.
 *
 * JSON lines: one per set and variant (found / images, and the misses), one per unlabelled
 * image (faces found), then a summary. Goal (issue 11): 100% found, no false face.
 *
 *   npm run bench:face-detect [-- --sets yale,faceapi_bbt]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { sharedDatasets } from '../test/support/datasets'
import { initBackend } from '../src/main/engine/backend'
import { decodeImage, type RgbImage } from '../src/main/image/decode'
import { findFaces } from '../src/main/face/analyze'
import { ModelCache } from '../src/main/models/cache'
import { listLabelledFolder } from '../src/main/service/evaluate'

/** Counted by eye: the one painting of a face, the one of a screaming figure, and the cartoon of a man at a microscope. */
const holdFaces = new Set(['style/woman_with_hat_matisse.jpg', 'style/the_scream_munch.jpg', 'content/benjamin_harrison_cartoon.jpg'])

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

/** The photo as a small greyscale camera frame: long side 100 px, luma (BT.601) in all three channels. */
async function smallGrey(bytes: Uint8Array): Promise<RgbImage> {
  const { image } = await decodeImage(bytes)
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).resize(100, 100, { fit: 'inside' }).raw().toBuffer({ resolveWithObject: true })
  const grey = new Uint8Array(data.length)
  for (let i = 0; i < data.length; i += 3) grey.fill(Math.round(0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2]), i, i + 3)
  return { width: info.width, height: info.height, data: grey }
}

async function main(): Promise<void> {
  const datasets = sharedDatasets()
  if (!datasets) {
    console.log(JSON.stringify({ bench: 'face.detect', skipped: 'the shared datasets are absent (set LIKENESS_DATASETS)' }))
    return
  }
  await initBackend('wasm')
  const cache = new ModelCache({ dataDir: os.tmpdir() })
  const models = await cache.faceModels()
  const facesIn = async (image: RgbImage): Promise<number> => (await findFaces(models, image, { detector: 'ssd', minFaceSize: 0 })).length
  const facesDir = path.join(datasets, 'faces')
  const sets = argument('sets')?.split(',') ?? readdirSync(facesDir).filter((s) => statSync(path.join(facesDir, s)).isDirectory()).sort()
  const summary: Record<string, string> = {}
  let allFound = true
  for (const set of sets) {
    const files = (await listLabelledFolder(path.join(facesDir, set))).map(({ file }) => file)
    for (const variant of ['original', 'grey100'] as const) {
      const missed: string[] = []
      for (const file of files) {
        const bytes = new Uint8Array(readFileSync(file))
        const image = variant === 'original' ? (await decodeImage(bytes)).image : await smallGrey(bytes)
        if ((await facesIn(image)) === 0) missed.push(path.relative(facesDir, file))
      }
      allFound &&= missed.length === 0
      summary[`${set}/${variant}`] = `${files.length - missed.length}/${files.length}`
      console.log(JSON.stringify({ bench: 'face.detect.set', set, variant, images: files.length, found: files.length - missed.length, missed }))
    }
  }
  const falseFaces: string[] = []
  for (const folder of ['style', 'content']) {
    for (const name of readdirSync(path.join(datasets, folder)).filter((n) => /\.(jpe?g|png)$/i.test(n)).sort()) {
      const key = `${folder}/${name}`
      const faces = await facesIn((await decodeImage(new Uint8Array(readFileSync(path.join(datasets, folder, name))))).image)
      if (faces > 0 && !holdFaces.has(key)) falseFaces.push(key)
      console.log(JSON.stringify({ bench: 'face.detect.unlabelled', image: key, holdsFaces: holdFaces.has(key), faces }))
    }
  }
  console.log(JSON.stringify({ bench: 'face.detect.summary', found: summary, allFound, falseFaces, goals: { allFound: true, falseFaces: [] } }))
  await cache.dispose()
}

await main()
