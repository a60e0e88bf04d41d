// The shared photos and paintings the style benches read, decoded once per process.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fitWithin } from '../src/main/image/crop'
import { decodeImage, type RgbImage } from '../src/main/image/decode'

// ../shared/datasets beside the checkout; LIKENESS_DATASETS points elsewhere (a worktree).
const datasets = process.env.LIKENESS_DATASETS ?? path.resolve(import.meta.dirname, '..', '..', 'shared', 'datasets')
export const contentDir = path.join(datasets, 'content')
export const styleDir = path.join(datasets, 'style')

export function datasetsPresent(): boolean {
  return existsSync(contentDir) && existsSync(styleDir)
}

export function datasetsPath(): string {
  return datasets
}

function listImages(folder: string): string[] {
  return readdirSync(folder)
    .filter((name) => /\.(jpe?g|png)$/i.test(name))
    .sort()
}

/**
 * Every photo × painting pair in diagonal order: the k-th is photo k mod P with painting k mod S
 * (shifted by one painting per lap when P and S share a factor), so any first N pairs spread over
 * all photos and paintings: with 7 photos and 8 paintings the first 8 hold every photo and every
 * painting (the 8th repeats the first photo).
 */
export function diagonalPairs(): [string, string][] {
  const photos = listImages(contentDir)
  const paintings = listImages(styleDir)
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y))
  const lap = (photos.length * paintings.length) / gcd(photos.length, paintings.length)
  const pairs: [string, string][] = []
  for (let k = 0; pairs.length < photos.length * paintings.length; k++) {
    pairs.push([photos[k % photos.length], paintings[(k + Math.floor(k / lap)) % paintings.length]])
  }
  return pairs
}

const decoded = new Map<string, Promise<RgbImage>>()
/** A photo (folder 'content') or painting (folder 'style') at full size. */
export function datasetImage(folder: 'content' | 'style', name: string): Promise<RgbImage> {
  const file = path.join(folder === 'content' ? contentDir : styleDir, name)
  let found = decoded.get(file)
  if (!found) {
    found = decodeImage(readFileSync(file)).then((d) => d.image)
    decoded.set(file, found)
  }
  return found
}

const fitted = new Map<string, Promise<RgbImage>>()
/** As the engine worker decodes them: no larger than `longest` on the long side (never enlarged). */
export function fittedImage(folder: 'content' | 'style', name: string, longest: number): Promise<RgbImage> {
  const key = `${folder}/${name}@${longest}`
  let found = fitted.get(key)
  if (!found) {
    found = datasetImage(folder, name).then((image) => fitWithin(image, longest))
    fitted.set(key, found)
  }
  return found
}

export function stem(file: string): string {
  return path.basename(file, path.extname(file))
}
