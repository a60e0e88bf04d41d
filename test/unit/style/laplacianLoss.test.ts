import { readFileSync } from 'node:fs'
import path from 'node:path'
import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { fitWithin } from '../../../src/main/image/crop'
import { decodeImage, type RgbImage } from '../../../src/main/image/decode'
import { imageToTensor } from '../../../src/main/image/tensor'
import { laplacianLoss, laplacianTarget, pooledLaplacians } from '../../../src/main/style/laplacianLoss'
import type { FrozenNetwork } from '../../../src/main/style/networks/frozenNetwork'
import { edgeStructure } from '../../../src/main/style/quality'
import { defaultStyleSettings } from '../../../src/main/style/settings'
import { stylize } from '../../../src/main/style/stylize'
import { sharedDatasets } from '../../support/datasets'
import { loadShipped } from '../../support/models'
import { samplePhoto } from './helpers/images'

let photo: RgbImage

beforeAll(async () => {
  await initBackend('wasm')
  photo = await fitWithin(await samplePhoto(2), 160)
})

const asBatch = (image: RgbImage): tf.Tensor4D => tf.tidy(() => imageToTensor(image).expandDims(0) as tf.Tensor4D)

describe('laplacianLoss (Li et al. 2017) on a real photo', () => {
  it('D(pool_4(x)) is the 4-neighbour Laplacian of the 4×4 block means, per colour channel', () => {
    const x = asBatch(photo)
    const [d4, d16] = pooledLaplacians(x)
    const [, h, w] = x.shape
    expect(d4.shape).toEqual([1, Math.floor(h / 4) - 2, Math.floor(w / 4) - 2, 3])
    expect(d16.shape).toEqual([1, Math.floor(h / 16) - 2, Math.floor(w / 16) - 2, 3])
    // By hand at one interior pooled pixel (5, 7) and the green channel.
    const pixels = x.dataSync()
    const block = (by: number, bx: number, c: number): number => {
      let sum = 0
      for (let y = 4 * by; y < 4 * by + 4; y++) for (let xx = 4 * bx; xx < 4 * bx + 4; xx++) sum += pixels[3 * (y * w + xx) + c]
      return sum / 16
    }
    const [by, bx, c] = [5, 7, 1]
    const expected = 4 * block(by, bx, c) - block(by - 1, bx, c) - block(by + 1, bx, c) - block(by, bx - 1, c) - block(by, bx + 1, c)
    const found = d4.dataSync()[3 * ((by - 1) * (Math.floor(w / 4) - 2) + bx - 1) + c]
    expect(found).toBeCloseTo(expected, 5)
    tf.dispose([x, d4, d16])
  })

  it('is 0 for the photo itself, 1 per pooling for a flat grey picture, and grows with blur', () => {
    const c = asBatch(photo)
    const target = laplacianTarget(c)
    expect(target.laplacians).toHaveLength(2)
    const value = (g: tf.Tensor4D): number => tf.tidy(() => laplacianLoss(target, g).dataSync()[0])
    expect(value(c)).toBeCloseTo(0, 6)
    const grey = tf.fill(c.shape, 0.5) as tf.Tensor4D
    expect(value(grey)).toBeCloseTo(2, 4)
    // A blurred photo loses fine structure first: the 4× term notices more than the photo shifted in brightness.
    const blurred = tf.tidy(() => tf.avgPool(c, 9, 1, 'same') as tf.Tensor4D)
    const brighter = tf.tidy(() => c.add(0.1) as tf.Tensor4D)
    expect(value(brighter)).toBeCloseTo(0, 6)
    expect(value(blurred)).toBeGreaterThan(0.1)
    tf.dispose([c, grey, blurred, brighter, ...target.laplacians])
  })

  it('skips a pooling whose picture would be smaller than the 3×3 Laplacian', () => {
    const small = tf.zeros([1, 40, 60, 3]) as tf.Tensor4D
    const laplacians = pooledLaplacians(small)
    expect(laplacians.map((d) => d.shape)).toEqual([[1, 8, 13, 3]])
    tf.dispose([small, ...laplacians])
  })
})

// A painting whose strokes the style term lays over the photo's edges (README, "Pictures worth keeping").
const datasets = sharedDatasets()
if (!datasets) console.warn('laplacianLoss on a photo × painting pair: needs ../shared/datasets (or LIKENESS_DATASETS): skipped')

describe.skipIf(!datasets)('the Laplacian term in stylize, on the shared amber arch × Hokusai pair', () => {
  let network: FrozenNetwork
  beforeAll(async () => {
    network = await loadShipped('inception')
  })
  afterAll(() => network?.dispose())

  const image = async (folder: string, name: string, size: number): Promise<RgbImage> =>
    fitWithin((await decodeImage(readFileSync(path.join(datasets!, folder, name)))).image, size)

  it('keeps more of the photo’s edges than the same run without it', async () => {
    const content = await image('content', 'amber.jpg', 128)
    const painting = await image('style', 'great_wave_hokusai.jpg', 128)
    const run = async (laplacianWeight: number): Promise<number> => {
      const params = { ...defaultStyleSettings('inception'), content, styles: [{ image: painting, weight: 1 }], size: 128, iterations: 16, multiScale: false, laplacianWeight }
      const { image: result } = await stylize(params, network)
      return edgeStructure(result, content)
    }
    const without = await run(0)
    const withTerm = await run(30)
    expect(withTerm).toBeGreaterThan(without + 0.02)
  }, 120_000)
})
