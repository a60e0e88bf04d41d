import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { fitWithin } from '../../../src/main/image/crop'
import type { RgbImage } from '../../../src/main/image/decode'
import { labToRgb, rgbToLab } from '../../../src/main/style/cielab'
import { chromaSpeckle, edgeStructure, labPixels, paletteShift, qualityFigures, slicedWasserstein } from '../../../src/main/style/quality'
import { seededRandom } from '../../../src/main/engine/random'
import { samplePhoto, testPainting } from './helpers/images'

let photo: RgbImage
const painting = testPainting(120, 90)

beforeAll(async () => {
  await initBackend('wasm')
  // A quarter of the npm sample's 1920 px: the figures do not need more, and wasm is not quick.
  photo = await fitWithin(await samplePhoto(2), 480)
})

/** Nearest-neighbour resize: enough to lay one picture's colours over another's grid. */
function resized(image: RgbImage, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const j = 3 * (Math.floor((y * image.height) / height) * image.width + Math.floor((x * image.width) / width))
      data.set(image.data.subarray(j, j + 3), 3 * (y * width + x))
    }
  }
  return { width, height, data }
}

/** The picture with every pixel's colour passed through `f` (RGB bytes in, bytes out). */
function mapPixels(image: RgbImage, f: (rgb: [number, number, number], i: number) => [number, number, number]): RgbImage {
  const data = new Uint8Array(image.data.length)
  for (let i = 0; i < data.length; i += 3) {
    const out = f([image.data[i], image.data[i + 1], image.data[i + 2]], i / 3)
    for (let c = 0; c < 3; c++) data[i + c] = Math.max(0, Math.min(255, Math.round(out[c])))
  }
  return { ...image, data }
}

describe('CIELAB', () => {
  it('puts white at L* 100 and sRGB red where the standard does, and inverts', () => {
    const rgb = [1, 1, 1, 1, 0, 0, 0.2, 0.5, 0.7]
    const lab = rgbToLab(rgb)
    expect(lab[0]).toBeCloseTo(100, 2)
    expect(Math.abs(lab[1]) + Math.abs(lab[2])).toBeLessThan(0.01)
    // sRGB red: L* 53.24, a* 80.09, b* 67.20.
    expect(lab[3]).toBeCloseTo(53.24, 1)
    expect(lab[4]).toBeCloseTo(80.09, 1)
    expect(lab[5]).toBeCloseTo(67.2, 1)
    Array.from(labToRgb(lab)).forEach((v, i) => expect(v).toBeCloseTo(rgb[i], 4))
  })
})

describe('sliced Wasserstein distance', () => {
  it('is 0 between a cloud and itself, and |v|/√3 on average when the cloud moves by v', () => {
    const random = seededRandom(3)
    const cloud = Float32Array.from({ length: 3 * 5000 }, () => 100 * random())
    expect(slicedWasserstein(cloud, cloud)).toBe(0)
    const moved = cloud.map((v, i) => (i % 3 === 0 ? v + 10 : v))
    // W₂ along θ is |θ_L|·10; the mean of θ_L² over the sphere is 1/3.
    expect(slicedWasserstein(cloud, moved)).toBeGreaterThan(10 / Math.sqrt(3) * 0.85)
    expect(slicedWasserstein(cloud, moved)).toBeLessThan(10 / Math.sqrt(3) * 1.15)
  })

  it('compares clouds of different sizes by their distributions', () => {
    const small = labPixels(testPainting(60, 45))
    const large = labPixels(testPainting(240, 180))
    const photoColours = labPixels(photo)
    expect(slicedWasserstein(small, large)).toBeLessThan(0.1 * slicedWasserstein(small, photoColours))
  })
})

describe('quality figures', () => {
  it('palette: the painting scores 0, the photo 1 by definition, a recoloured photo in between', () => {
    expect(paletteShift(painting, photo, painting)).toBeCloseTo(0, 6)
    expect(paletteShift(photo, photo, painting)).toBeCloseTo(1, 6)
    // Every other row of the photo replaced by the painting's: half its colours are the painting's.
    const paintingHere = resized(painting, photo.width, photo.height)
    const halfway = mapPixels(photo, (rgb, i) => {
      const row = Math.floor(i / photo.width)
      return row % 2 === 0 ? rgb : [paintingHere.data[3 * i], paintingHere.data[3 * i + 1], paintingHere.data[3 * i + 2]]
    })
    // W₂² is convex in each argument: a 50/50 mixture is at most 1/√2 as far.
    const score = paletteShift(halfway, photo, painting)
    expect(score).toBeGreaterThan(0.2)
    expect(score).toBeLessThan(Math.SQRT1_2 + 0.02)
  })

  it('chroma speckle: the painting scores 1, and chroma noise on a photo raises its score', () => {
    expect(chromaSpeckle(painting, painting)).toBeCloseTo(1, 4)
    const random = seededRandom(5)
    // Opposite noise in red and green, blue untouched: colour, not brightness, that changes per pixel.
    const noisy = mapPixels(photo, (rgb) => {
      const n = 40 * (random() - 0.5)
      return [rgb[0] + n, rgb[1] - n, rgb[2]]
    })
    const clean = chromaSpeckle(photo, painting)
    expect(chromaSpeckle(noisy, painting)).toBeGreaterThan(1)
    expect(chromaSpeckle(noisy, painting)).toBeGreaterThan(3 * clean)
  })

  it('structure: the photo with itself is 1; flipped, or a painting, is far lower', () => {
    expect(edgeStructure(photo, photo)).toBeCloseTo(1, 5)
    const flipped = mapPixels(photo, (_, i) => {
      const x = i % photo.width
      const y = Math.floor(i / photo.width)
      const j = 3 * ((photo.height - 1 - y) * photo.width + x)
      return [photo.data[j], photo.data[j + 1], photo.data[j + 2]]
    })
    expect(edgeStructure(flipped, photo)).toBeLessThan(0.5)
    // A copy with mild noise keeps its edges where they were.
    const random = seededRandom(9)
    const grainy = mapPixels(photo, (rgb) => rgb.map((v) => v + 10 * (random() - 0.5)) as [number, number, number])
    expect(edgeStructure(grainy, photo)).toBeGreaterThan(0.9)
  })

  it('gives all three at once and leaves no tensors behind', () => {
    const before = tf.memory().numTensors
    const figures = qualityFigures(photo, photo, painting)
    expect(figures.palette).toBeCloseTo(1, 6)
    expect(figures.structure).toBeCloseTo(1, 5)
    expect(figures.chromaSpeckle).toBeGreaterThan(0)
    expect(tf.memory().numTensors).toBe(before)
  })
})
