import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { fitWithin } from '../../../src/main/image/crop'
import type { RgbImage } from '../../../src/main/image/decode'
import { imageToTensor, tensorToImage } from '../../../src/main/image/tensor'
import { seededRandom } from '../../../src/main/engine/random'
import { rgbToYiq } from '../../../src/main/style/colour'
import { blurChroma, smoothChroma } from '../../../src/main/style/chromaSmoothing'
import { chromaSpeckle, edgeStructure, paletteShift } from '../../../src/main/style/quality'
import { samplePhoto, testPainting } from './helpers/images'

let photo: RgbImage
const painting = testPainting(120, 90)

beforeAll(async () => {
  await initBackend('wasm')
  photo = await fitWithin(await samplePhoto(2), 320)
})

async function smoothed(image: RgbImage, radius: number, step = (x: tf.Tensor4D, r: number): tf.Tensor4D => smoothChroma(x, r, 1e-3)): Promise<RgbImage> {
  const out = tf.tidy(() => step(imageToTensor(image).expandDims(0) as tf.Tensor4D, radius).squeeze([0]) as tf.Tensor3D)
  try {
    return await tensorToImage(out)
  } finally {
    out.dispose()
  }
}

const luma = (image: RgbImage): Float32Array => tf.tidy(() => rgbToYiq(imageToTensor(image).expandDims(0) as tf.Tensor4D).slice([0, 0, 0, 0], [-1, -1, -1, 1]).dataSync() as Float32Array)

/** What a chroma step must leave alone: the brightness to the byte (rounding, and clipping at black and white), the edges, and the colours' distance from the painting. */
function expectOnlyChromaChanged(before: RgbImage, after: RgbImage): void {
  const [y0, y1] = [luma(before), luma(after)]
  let off = 0
  for (let i = 0; i < y0.length; i++) if (Math.abs(y0[i]! - y1[i]!) > 2 / 255) off++
  expect(off / y0.length).toBeLessThan(0.01)
  expect(edgeStructure(after, photo)).toBeGreaterThan(edgeStructure(before, photo) - 0.01)
  expect(Math.abs(paletteShift(after, photo, painting) - 1)).toBeLessThan(0.05)
}

describe('smoothChroma', () => {
  it('takes out colour noise that does not follow the brightness, and keeps the brightness and the edges', async () => {
    const random = seededRandom(9)
    // Rainbow speckle as the networks paint it: red and green pushed apart per pixel, brightness about kept.
    const noisy: RgbImage = { ...photo, data: new Uint8Array(photo.data.length) }
    for (let i = 0; i < photo.data.length; i += 3) {
      const n = 40 * (random() - 0.5)
      noisy.data[i] = Math.max(0, Math.min(255, photo.data[i]! + n))
      noisy.data[i + 1] = Math.max(0, Math.min(255, photo.data[i + 1]! - 0.5 * n))
      noisy.data[i + 2] = photo.data[i + 2]!
    }
    const cleaned = await smoothed(noisy, 1)
    expect(chromaSpeckle(noisy, painting)).toBeGreaterThan(2 * chromaSpeckle(photo, painting))
    expect(chromaSpeckle(cleaned, painting)).toBeLessThan(0.4 * chromaSpeckle(noisy, painting))
    // the colours stay the photo's: as far from the painting's as the photo's own (1)
    expectOnlyChromaChanged(noisy, cleaned)
  })

  it('keeps a colour edge that follows a brightness edge sharp', async () => {
    // left half dark blue, right half bright orange
    const width = 64
    const height = 32
    const data = new Uint8Array(width * height * 3)
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(x < width / 2 ? [20, 40, 160] : [250, 170, 40], 3 * (y * width + x))
    const edge: RgbImage = { width, height, data }
    const out = await smoothed(edge, 2)
    const pixel = (x: number): number[] => [...out.data.subarray(3 * (16 * width + x), 3 * (16 * width + x) + 3)]
    for (const [x, colour] of [[width / 2 - 1, [20, 40, 160]], [width / 2, [250, 170, 40]]] as const) {
      pixel(x).forEach((c, k) => expect(Math.abs(c - colour[k]!)).toBeLessThanOrEqual(3))
    }
  })
})

describe('blurChroma', () => {
  it('takes out colour grain that follows the brightness, which the guided filter keeps, and keeps the brightness', async () => {
    const random = seededRandom(10)
    // Grain as the networks paint it at 512 px along brush strokes: a pixel lighter and warmer, or darker and bluer.
    const grainy: RgbImage = { ...photo, data: new Uint8Array(photo.data.length) }
    for (let i = 0; i < photo.data.length; i += 3) {
      const n = 40 * (random() - 0.5)
      grainy.data[i] = Math.max(0, Math.min(255, photo.data[i]! + 1.5 * n))
      grainy.data[i + 1] = Math.max(0, Math.min(255, photo.data[i + 1]! + n))
      grainy.data[i + 2] = Math.max(0, Math.min(255, photo.data[i + 2]! - 0.5 * n))
    }
    const guided = await smoothed(grainy, 1)
    const blurred = await smoothed(guided, 1, blurChroma)
    // the guided filter keeps a good part of it (it follows Y); the blur takes most of what is left
    expect(chromaSpeckle(guided, painting)).toBeGreaterThan(0.2 * chromaSpeckle(grainy, painting))
    expect(chromaSpeckle(blurred, painting)).toBeLessThan(0.3 * chromaSpeckle(guided, painting))
    expectOnlyChromaChanged(guided, blurred)
  })
})
