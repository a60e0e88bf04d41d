// Quality of the style studio's pictures (issue 12), JSON lines: for each method and size, over
// content × style pairs of ../shared/datasets/{content,style}, the three figures of
// src/main/style/quality.ts (palette, chroma speckle, structure) and the seconds a run took, then a
// summary per method and size. References in the same run: the photo itself and the painting
// itself scored as if they were results.
//
// All 56 pairs at the first size; at larger sizes a fixed subset, the first N pairs of the
// diagonal order (photo k mod 7, painting k mod 8), which with N = 8 holds every photo and every
// painting once (the 8th pair repeats the first photo).
//
//   [LIKENESS_DATASETS=…] npm run bench:style-quality -- [--methods studio,before,…] [--sizes 512,1024,2048] [--pairs 56]
//                                  [--large-pairs 8] [--network inception] [--save dir] [--skip-done log.jsonl]
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import type { StyleNetwork } from '../src/shared/api/style'
import { initBackend } from '../src/main/engine/backend'
import { fitWithin } from '../src/main/image/crop'
import { decodeImage, type RgbImage } from '../src/main/image/decode'
import { encodePng } from '../src/main/image/encode'
import type { FrozenNetwork } from '../src/main/style/networks/frozenNetwork'
import { loadInception } from '../src/main/style/networks/inception'
import { loadMobileNet } from '../src/main/style/networks/mobilenet'
import { qualityFigures, type QualityFigures } from '../src/main/style/quality'
import { defaultStyleSettings, type StyleParams } from '../src/main/style/settings'
import { stylize } from '../src/main/style/stylize'
import { styleMethods } from './styleMethods'

const { values: flags } = parseArgs({
  options: {
    methods: { type: 'string' },
    sizes: { type: 'string' },
    pairs: { type: 'string', default: '56' },
    'large-pairs': { type: 'string', default: '8' },
    network: { type: 'string', default: 'inception' },
    save: { type: 'string' },
    'skip-done': { type: 'string' }
  }
})

// ../shared/datasets beside the checkout; LIKENESS_DATASETS points elsewhere (a worktree).
const datasets = process.env.LIKENESS_DATASETS ?? path.resolve(import.meta.dirname, '..', '..', 'shared', 'datasets')
const goals = { palette: 0.4, chromaSpeckle: 1.5, structure: 0.6 }

function emit(line: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'style-quality', ...line }))
}

function listImages(folder: string): string[] {
  return readdirSync(folder)
    .filter((name) => /\.(jpe?g|png)$/i.test(name))
    .sort()
}

/** Pairs in diagonal order: the k-th is photo k mod P with painting k mod S, every pair once (P, S coprime). */
function diagonalPairs(photos: string[], paintings: string[]): [string, string][] {
  const all = photos.length * paintings.length
  const pairs: [string, string][] = []
  const seen = new Set<string>()
  for (let k = 0; pairs.length < all; k++) {
    const pair: [string, string] = [photos[k % photos.length], paintings[(k + Math.floor(k / lcm(photos.length, paintings.length))) % paintings.length]]
    if (!seen.has(pair.join())) {
      seen.add(pair.join())
      pairs.push(pair)
    }
  }
  return pairs
}

function lcm(a: number, b: number): number {
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y))
  return (a * b) / gcd(a, b)
}

const decoded = new Map<string, Promise<RgbImage>>()
function image(file: string): Promise<RgbImage> {
  let found = decoded.get(file)
  if (!found) {
    found = decodeImage(readFileSync(file)).then((d) => d.image)
    decoded.set(file, found)
  }
  return found
}

/** As the engine worker does: the photo no larger than the result, a painting no larger than its style scale. */
const fitted = new Map<string, Promise<RgbImage>>()
function fittedImage(file: string, longest: number): Promise<RgbImage> {
  const key = `${file}@${longest}`
  let found = fitted.get(key)
  if (!found) {
    found = image(file).then((i) => fitWithin(i, longest))
    fitted.set(key, found)
  }
  return found
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
  const contentDir = path.join(datasets, 'content')
  const styleDir = path.join(datasets, 'style')
  if (!existsSync(contentDir) || !existsSync(styleDir)) {
    emit({ kind: 'skipped', reason: `no datasets at ${datasets}` })
    return
  }
  const backend = await initBackend('wasm')
  const networkId = flags.network as Exclude<StyleNetwork, 'vgg19'>
  const network: FrozenNetwork = networkId === 'mobilenet' ? loadMobileNet() : loadInception()
  const defaults = defaultStyleSettings(networkId)
  const methodNames = flags.methods ? flags.methods.split(',') : Object.keys(styleMethods)
  for (const name of methodNames) if (!styleMethods[name]) throw new Error(`unknown method ${name}; known: ${Object.keys(styleMethods).join(', ')}`)
  const sizes = flags.sizes ? flags.sizes.split(',').map(Number) : [defaults.size]
  const pairs = diagonalPairs(listImages(contentDir), listImages(styleDir))
  const firstSizePairs = pairs.slice(0, Number(flags.pairs))
  const largePairs = pairs.slice(0, Math.min(Number(flags['large-pairs']), firstSizePairs.length))
  const done = doneKeys()
  if (flags.save) mkdirSync(flags.save, { recursive: true })
  emit({ kind: 'setup', backend: backend.name, simd: backend.simd, network: networkId, methods: methodNames, sizes, pairs: firstSizePairs.length, largePairs: largePairs.length, goals })

  // The photo and the painting themselves, scored as results at the first size.
  const references: Record<string, Scored[]> = { photo: [], painting: [] }
  for (const [photoName, paintingName] of firstSizePairs) {
    const photo = await fittedImage(path.join(contentDir, photoName), sizes[0])
    const painting = await image(path.join(styleDir, paintingName))
    const paintingAtSize = await fitWithin(painting, sizes[0])
    references.photo.push({ ...qualityFigures(photo, photo, painting), seconds: 0 })
    references.painting.push({ ...qualityFigures(paintingAtSize, photo, painting), seconds: 0 })
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
        const options = { ...defaults, ...method.options(networkId), size }
        const photo = await fittedImage(path.join(contentDir, photoName), size)
        const painting = await fittedImage(path.join(styleDir, paintingName), Math.ceil(size * options.styleScale))
        const params: StyleParams = { ...options, content: photo, styles: [{ image: painting, weight: 1 }], previewEvery: options.iterations + 1 }
        const started = performance.now()
        const result = await stylize(params, network)
        const seconds = (performance.now() - started) / 1000
        const figures = qualityFigures(result.image, photo, await image(path.join(styleDir, paintingName)))
        scores.push({ ...figures, seconds })
        emit({ kind: 'run', method: name, network: networkId, size, content: photoName, style: paintingName, width: result.image.width, height: result.image.height, iterations: options.iterations, seconds: round(seconds, 1), palette: round(figures.palette), chromaSpeckle: round(figures.chromaSpeckle), structure: round(figures.structure) })
        if (flags.save) writeFileSync(path.join(flags.save, `${name}_${size}_${stem(photoName)}_${stem(paintingName)}.png`), await encodePng(result.image))
      }
      if (scores.length > 0) emit({ kind: 'summary', method: name, network: networkId, size, ...summary(scores) })
    }
  }
  network.dispose()
}

function stem(file: string): string {
  return path.basename(file, path.extname(file))
}

function round(x: number, digits = 3): number {
  return Number(x.toFixed(digits))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
