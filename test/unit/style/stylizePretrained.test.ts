import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { LikenessError } from '../../../src/shared/errors'
import type { RgbImage } from '../../../src/main/image/decode'
import { requireSizeFitsBackend } from '../../../src/main/style/heapBudget'
import { loadShipped } from '../../support/models'
import type { FrozenNetwork } from '../../../src/main/style/networks/frozenNetwork'
import { defaultStyleSettings, type StyleParams } from '../../../src/main/style/settings'
import { stylize } from '../../../src/main/style/stylize'
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

  it('refuses a size the wasm heap cannot hold before allocating, naming one that fits', async () => {
    const before = tf.memory().numTensors
    const refusal = await stylize(params({ size: 2048 }), network).catch((error: unknown) => error)
    expect(refusal).toBeInstanceOf(LikenessError)
    const { kind, detail } = refusal as LikenessError
    expect(kind).toBe('TooBigForBackend')
    const largestSize = detail?.largestSize as number
    expect(largestSize).toBeGreaterThan(256)
    expect(largestSize).toBeLessThan(2048)
    expect(tf.memory().numTensors).toBe(before)
    expect(() => requireSizeFitsBackend(network, photo, largestSize, params({}))).not.toThrow()
    expect(() => requireSizeFitsBackend(network, photo, largestSize + 1, params({}))).toThrow(LikenessError)
  })
})
