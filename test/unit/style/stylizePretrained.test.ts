import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import type { RgbImage } from '../../../src/main/image/decode'
import { largestRegionSide, regionFitsBackend } from '../../../src/main/style/heapBudget'
import { fitWithin } from '../../../src/main/image/crop'
import { imageToTensor } from '../../../src/main/image/tensor'
import { fitLongestSide, resizeImages } from '../../../src/main/style/resize'
import { cutTile, tileGrid } from '../../../src/main/style/tiles'
import { loadShipped } from '../../support/models'
import type { FrozenNetwork } from '../../../src/main/style/networks/frozenNetwork'
import { defaultStyleSettings, type StyleParams } from '../../../src/main/style/settings'
import { stylize, tileOverlap } from '../../../src/main/style/stylize'
import { samplePhoto, testPainting } from './helpers/images'

let network: FrozenNetwork
let photo: RgbImage

beforeAll(async () => {
  await initBackend('wasm')
  network = await loadShipped('mobilenet')
  photo = await samplePhoto(2)
})

afterAll(() => network.dispose())

// nsfwjs's ImageNet MobileNetV2 with the measured layers; small sizes keep the test in seconds.
function params(overrides: Partial<StyleParams>): StyleParams {
  return {
    ...defaultStyleSettings('mobilenet'),
    content: photo,
    styles: [{ image: testPainting(128, 128), weight: 1 }],
    size: 96,
    iterations: 6,
    multiScale: false,
    ...overrides
  }
}

describe('stylize with a pretrained network on a photo and a painting', () => {
  it('L-BFGS lowers J at every step on a fixed framing', async () => {
    const { history } = await stylize(params({ optimizer: 'lbfgs', maxShift: 0 }), network)
    const totals = history.map((h) => h.total)
    totals.slice(1).forEach((J, i) => expect(J).toBeLessThan(totals[i]))
    // The style term is what moves: the start is the photo, far from the painting's statistics.
    expect(history[history.length - 1].style).toBeLessThan(history[0].style)
  })

  it('Adam lowers J with a fresh random shift every iteration, on plain Gram statistics', async () => {
    const { history } = await stylize(params({ optimizer: 'adam', statistics: 'gram', weights: { content: 1, style: 100, tv: 1 } }), network)
    expect(history[history.length - 1].total).toBeLessThan(history[0].total)
    expect(history[history.length - 1].style).toBeLessThan(history[0].style)
  })

  it('paints a size the wasm heap cannot hold whole in overlapping tiles, every tile changed, no tensors left', async () => {
    const before = tf.memory().numTensors
    const size = 1024
    const framing = defaultStyleSettings('mobilenet')
    const whole = fitLongestSide(photo.width, photo.height, size)
    expect(regionFitsBackend(network, whole, framing)).toBe(false)
    const seen: number[] = []
    const { image, history } = await stylize(params({ size, iterations: 2, weights: { content: 1, style: 100, tv: 1 } }), network, {
      onProgress: (iteration) => seen.push(iteration)
    })
    expect(Math.max(image.width, image.height)).toBe(size)
    // An iteration at a tiled scale is a step of every tile: two, reported once each.
    expect(seen).toEqual([1, 2])
    expect(history).toHaveLength(2)
    expect(tf.memory().numTensors).toBe(before)
    // Every tile moved away from the photo it started as.
    const tiles = tileGrid(image.width, image.height, largestRegionSide(network, framing, 256), tileOverlap)
    expect(tiles.length).toBeGreaterThan(1)
    const start = await fitWithin(photo, size)
    const photoAtSize = tf.tidy(() => resizeImages(imageToTensor(start).expandDims(0) as tf.Tensor4D, image.height, image.width))
    const result = tf.tidy(() => imageToTensor(image).expandDims(0) as tf.Tensor4D)
    for (const tile of tiles) {
      const change = tf.tidy(() => cutTile(result, tile).sub(cutTile(photoAtSize, tile)).abs().mean().dataSync()[0])
      expect(change).toBeGreaterThan(0.01)
    }
    tf.dispose([photoAtSize, result])
    // 1024 px in tiles through the 1/f basis: over two minutes when the two cores are shared.
  }, 360_000)
})
