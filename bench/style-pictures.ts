// The pictures in docs/studio-quality/: for six photo × painting pairs of ../shared/datasets, the
// photo, the painting and each method's result side by side at one height, one PNG per pair
// (palette-quantised to stay small), plus a JSON line per result with its quality figures.
//
//   [LIKENESS_DATASETS=…] npx tsx bench/style-pictures.ts [--methods before,studio] [--size 512]
//                           [--height 240] [--pairs 0,1,2,3,5,6] [--out docs/studio-quality] [--from dir]
//
// --from takes the results a bench:style-quality run saved (its --save folder) instead of painting
// them again: the pictures are then those the bench's figures were measured on.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import sharp from 'sharp'
import { initBackend } from '../src/main/engine/backend'
import { decodeImage, type RgbImage } from '../src/main/image/decode'
import { loadModel } from '../src/main/models/registry'
import { qualityFigures } from '../src/main/style/quality'
import { defaultStyleSettings } from '../src/main/style/settings'
import { stylize } from '../src/main/style/stylize'
import { datasetImage, datasetsPath, datasetsPresent, diagonalPairs, fittedImage, stem } from './styleData'
import { styleMethods } from './styleMethods'

const { values: flags } = parseArgs({
  options: {
    methods: { type: 'string', default: 'before,studio' },
    size: { type: 'string' },
    height: { type: 'string', default: '240' },
    // Six of the first eight diagonal pairs, each painting once (the fifth would repeat The Starry Night).
    pairs: { type: 'string', default: '0,1,2,3,5,6' },
    out: { type: 'string', default: 'docs/studio-quality' },
    from: { type: 'string' }
  }
})

async function panel(image: RgbImage, height: number): Promise<{ data: Buffer; width: number }> {
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize({ height })
    .png()
    .toBuffer({ resolveWithObject: true })
  return { data, width: info.width }
}

async function sideBySide(images: RgbImage[], height: number, gap = 6): Promise<Buffer> {
  const panels = await Promise.all(images.map((image) => panel(image, height)))
  const width = panels.reduce((sum, p) => sum + p.width, 0) + gap * (panels.length - 1)
  let left = 0
  const composites = panels.map((p) => {
    const placed = { input: p.data, left, top: 0 }
    left += p.width + gap
    return placed
  })
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite(composites)
    .png({ palette: true, quality: 90, effort: 10 })
    .toBuffer()
}

async function main(): Promise<void> {
  if (!datasetsPresent()) {
    console.log(JSON.stringify({ bench: 'style-pictures', skipped: `no datasets at ${datasetsPath()}` }))
    return
  }
  await initBackend('wasm')
  const network = flags.from ? undefined : await loadModel('inception', { dataDir: os.tmpdir() })
  const defaults = defaultStyleSettings('inception')
  const size = Number(flags.size ?? defaults.size)
  const paint = async (name: string, photo: RgbImage, paintingName: string): Promise<RgbImage> => {
    const options = { ...defaults, ...styleMethods[name].options('inception'), size }
    const painting = await fittedImage('style', paintingName, Math.ceil(size * options.styleScale))
    return (await stylize({ ...options, content: photo, styles: [{ image: painting, weight: 1 }], previewEvery: options.iterations + 1 }, network!)).image
  }
  const height = Number(flags.height)
  const methods = flags.methods.split(',')
  const all = diagonalPairs()
  const pairs = flags.pairs.split(',').map((k) => all[Number(k)])
  mkdirSync(flags.out, { recursive: true })
  for (const [photoName, paintingName] of pairs) {
    const photo = await fittedImage('content', photoName, size)
    const results: RgbImage[] = []
    for (const name of methods) {
      const started = performance.now()
      const image = flags.from
        ? (await decodeImage(readFileSync(path.join(flags.from, `${name}_${size}_${stem(photoName)}_${stem(paintingName)}.png`)))).image
        : await paint(name, photo, paintingName)
      const seconds = flags.from ? undefined : Number(((performance.now() - started) / 1000).toFixed(1))
      const figures = qualityFigures(image, photo, await datasetImage('style', paintingName))
      console.log(JSON.stringify({ bench: 'style-pictures', method: name, size, content: photoName, style: paintingName, seconds, ...figures }))
      results.push(image)
    }
    const png = await sideBySide([photo, await datasetImage('style', paintingName), ...results], height)
    const file = path.join(flags.out, `${stem(photoName)}--${stem(paintingName)}.png`)
    writeFileSync(file, png)
    console.log(JSON.stringify({ bench: 'style-pictures', file, bytes: png.length, panels: ['photo', 'painting', ...methods] }))
  }
  network?.dispose()
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
