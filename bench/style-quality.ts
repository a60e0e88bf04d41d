// Quality of the style studio's pictures (issue 12), JSON lines: for each method and size, over
// content × style pairs of ../shared/datasets/{content,style}, the three figures of
// src/main/style/quality.ts (palette, chroma speckle, structure) and the seconds a run took, then a
// summary per method and size. References in the same run: the photo itself and the painting
// itself scored as if they were results.
//
// All 56 pairs at the first size; at larger sizes a fixed subset, the first N pairs of the
// diagonal order (bench/styleData.ts: photo k mod 7, painting k mod 8), which with N = 8 holds
// every photo and every painting (the 8th pair repeats the first photo).
//
//   [LIKENESS_DATASETS=…] npm run bench:style-quality -- [--methods studio,before,…] [--sizes 512,1024,2048] [--pairs 56]
//                                  [--large-pairs 8] [--network inception] [--iterations N] [--save dir] [--skip-done log.jsonl]
//                                  [--only 0,1,2,3,5,6]
//
// --only takes those pairs of the diagonal order (0-based) at every size instead: 0,1,2,3,5,6 are
// the six in docs/studio-quality/.
// --iterations replaces every method's iteration count: all 56 pairs at 100 iterations take about
// an hour per method on two shared cores, so a first comparison runs shorter.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import os from 'node:os'
import type { StyleNetwork } from '../src/shared/networks'
import { initBackend } from '../src/main/engine/backend'
import * as tf from '@tensorflow/tfjs'
import { fitWithin } from '../src/main/image/crop'
import { imageToTensor, tensorToImage } from '../src/main/image/tensor'
import { matchPalette, paletteOf } from '../src/main/style/palette'
import { encodePng } from '../src/main/image/encode'
import type { FrozenNetwork } from '../src/main/style/networks/frozenNetwork'
import { loadModel } from '../src/main/models/registry'
import { qualityFigures, type QualityFigures } from '../src/main/style/quality'
import { defaultStyleSettings, type StyleParams } from '../src/main/style/settings'
import { stylize } from '../src/main/style/stylize'
import { paintInTurn, regionSettingsOf, type RegionPainter } from '../src/main/style/region'
import { datasetImage, datasetsPath, datasetsPresent, diagonalPairs, fittedImage, stem } from './styleData'
import { styleMethods } from './styleMethods'

const { values: flags } = parseArgs({
  options: {
    methods: { type: 'string' },
    sizes: { type: 'string' },
    pairs: { type: 'string', default: '56' },
    'large-pairs': { type: 'string', default: '8' },
    network: { type: 'string', default: 'inception' },
    iterations: { type: 'string' },
    save: { type: 'string' },
    'skip-done': { type: 'string' },
    only: { type: 'string' }
  }
})

// ../shared/datasets beside the checkout; LIKENESS_DATASETS points elsewhere (a worktree).
const goals = { palette: 0.4, chromaSpeckle: 1.5, structure: 0.6 }

function emit(line: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'style-quality', ...line }))
}

function doneKeys(): Set<string> {
  const file = flags['skip-done']
  if (!file || !existsSync(file)) return new Set()
  return new Set(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.includes('"kind":"run"'))
      .map((line) => {
        const r = JSON.parse(line) as { method: string; size: number; content: string; style: string }
        return runKey(r.method, r.size, r.content, r.style)
      })
  )
}

function runKey(method: string, size: number, content: string, style: string): string {
  return `${method}|${size}|${content}|${style}`
}

interface Scored extends QualityFigures {
  seconds: number
}

function summary(scores: Scored[]): Record<string, unknown> {
  const stats = (values: number[]): { mean: number; median: number } => {
    const sorted = [...values].sort((a, b) => a - b)
    const middle = sorted.length / 2
    const median = sorted.length % 2 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2
    return { mean: round(values.reduce((a, b) => a + b, 0) / values.length), median: round(median) }
  }
  const meets = (s: Scored): boolean => s.palette <= goals.palette && s.chromaSpeckle <= goals.chromaSpeckle && s.structure >= goals.structure
  return {
    pairs: scores.length,
    palette: stats(scores.map((s) => s.palette)),
    chromaSpeckle: stats(scores.map((s) => s.chromaSpeckle)),
    structure: stats(scores.map((s) => s.structure)),
    seconds: stats(scores.map((s) => s.seconds)),
    pairsMeetingAllGoals: scores.filter(meets).length
  }
}

async function main(): Promise<void> {
  if (!datasetsPresent()) {
    emit({ kind: 'skipped', reason: `no datasets at ${datasetsPath()}` })
    return
  }
  const backend = await initBackend('wasm')
  const networkId = flags.network as Exclude<StyleNetwork, 'vgg19'>
  const network: FrozenNetwork = await loadModel(networkId, { dataDir: os.tmpdir() })
  const defaults = defaultStyleSettings(networkId)
  const methodNames = flags.methods ? flags.methods.split(',') : Object.keys(styleMethods)
  for (const name of methodNames) if (!styleMethods[name]) throw new Error(`unknown method ${name}; known: ${Object.keys(styleMethods).join(', ')}`)
  const sizes = flags.sizes ? flags.sizes.split(',').map(Number) : [defaults.size]
  const pairs = diagonalPairs()
  const chosen = flags.only?.split(',').map((index) => pairs[Number(index)])
  if (chosen?.some((pair) => !pair)) throw new Error(`--only takes indices 0…${pairs.length - 1}`)
  const firstSizePairs = chosen ?? pairs.slice(0, Number(flags.pairs))
  const largePairs = chosen ?? pairs.slice(0, Math.min(Number(flags['large-pairs']), firstSizePairs.length))
  const done = doneKeys()
  if (flags.save) mkdirSync(flags.save, { recursive: true })
  emit({ kind: 'setup', backend: backend.name, simd: backend.simd, network: networkId, methods: methodNames, sizes, pairs: firstSizePairs.length, largePairs: largePairs.length, goals })

  // The photo and the painting themselves, scored as results at the first size, and the photo
  // recoloured by the palette step alone (what the structure figure can reach with that palette).
  const references: Record<string, Scored[]> = { photo: [], painting: [], recolouredPhoto: [] }
  for (const [photoName, paintingName] of firstSizePairs) {
    const photo = await fittedImage('content', photoName, sizes[0])
    const painting = await datasetImage('style', paintingName)
    const paintingAtSize = await fitWithin(painting, sizes[0])
    references.photo.push({ ...qualityFigures(photo, photo, painting), seconds: 0 })
    references.painting.push({ ...qualityFigures(paintingAtSize, photo, painting), seconds: 0 })
    const recoloured = tf.tidy(() => matchPalette(imageToTensor(photo).expandDims(0) as tf.Tensor4D, paletteOf([{ image: painting, weight: 1 }]), 'histogram'))
    const recolouredImage = await tensorToImage(tf.tidy(() => recoloured.squeeze([0]) as tf.Tensor3D))
    recoloured.dispose()
    references.recolouredPhoto.push({ ...qualityFigures(recolouredImage, photo, painting), seconds: 0 })
  }
  for (const [what, scores] of Object.entries(references)) emit({ kind: 'reference', what, size: sizes[0], ...summary(scores) })

  for (const size of sizes) {
    const sizePairs = size === sizes[0] ? firstSizePairs : largePairs
    for (const name of methodNames) {
      const scores: Scored[] = []
      for (const [photoName, paintingName] of sizePairs) {
        const key = runKey(name, size, photoName, paintingName)
        if (done.has(key)) continue
        const method = styleMethods[name]
        const photo = await fittedImage('content', photoName, size)
        const original = await datasetImage('style', paintingName)
        const options = { ...defaults, ...method.options(networkId, { photo, painting: original }), size }
        if (flags.iterations) options.iterations = Number(flags.iterations)
        const painting = await fittedImage('style', paintingName, Math.ceil(size * options.styleScale))
        const params: StyleParams = { ...options, content: photo, styles: [{ image: painting, weight: 1 }], previewEvery: options.iterations + 1 }
        const started = performance.now()
        // A method that splits scales for two workers is run as if a second worker were there.
        const result = await stylize(params, network, params.splitWhole ? { regions: asIfTwoWorkers(params, network) } : {})
        const seconds = (performance.now() - started) / 1000
        const figures = qualityFigures(result.image, photo, await datasetImage('style', paintingName))
        scores.push({ ...figures, seconds })
        emit({ kind: 'run', method: name, network: networkId, size, content: photoName, style: paintingName, width: result.image.width, height: result.image.height, iterations: options.iterations, seconds: round(seconds, 1), palette: round(figures.palette), chromaSpeckle: round(figures.chromaSpeckle), structure: round(figures.structure) })
        if (flags.save) writeFileSync(path.join(flags.save, `${name}_${size}_${stem(photoName)}_${stem(paintingName)}.png`), await encodePng(result.image))
      }
      if (scores.length > 0) emit({ kind: 'summary', method: name, network: networkId, size, ...summary(scores) })
    }
  }
  network.dispose()
}

function round(x: number, digits = 3): number {
  return Number(x.toFixed(digits))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})

/** Regions painted in turn on this thread, but planned as for two workers: the picture is the same. */
function asIfTwoWorkers(params: StyleParams, network: FrozenNetwork): RegionPainter {
  return { parallel: async () => 2, paint: paintInTurn(regionSettingsOf(params), network).paint }
}
