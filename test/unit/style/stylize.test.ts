import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LikenessError } from '../../../src/shared/errors'
import { initBackend } from '../../../src/main/engine/backend'
import type { FeatureNetwork } from '../../../src/main/engine/network'
import type { RgbImage } from '../../../src/main/image/decode'
import { imageToTensor } from '../../../src/main/image/tensor'
import { rgbToYiq } from '../../../src/main/style/colour'
import { defaultStyleSettings, type StyleParams } from '../../../src/main/style/settings'
import { stylize } from '../../../src/main/style/stylize'
import { samplePhoto, testPainting } from './helpers/images'
import { smallNetwork } from './helpers/smallNetwork'

let network: FeatureNetwork & { dispose(): void }
let photo: RgbImage
const painting = testPainting(80, 64)

beforeAll(async () => {
  await initBackend('wasm')
  network = smallNetwork()
  photo = await samplePhoto(2)
})

afterAll(() => network.dispose())

function params(overrides: Partial<StyleParams> = {}): StyleParams {
  return {
    ...defaultStyleSettings('vgg19'),
    contentLayer: 'conv3',
    styleLayers: [
      { name: 'conv1', weight: 0.5 },
      { name: 'conv2', weight: 0.5 }
    ],
    statistics: 'gram',
    size: 64,
    iterations: 4,
    multiScale: false,
    content: photo,
    styles: [{ image: painting, weight: 1 }],
    ...overrides
  }
}

async function kindOf(run: Promise<unknown>): Promise<string | undefined> {
  try {
    await run
  } catch (error) {
    return error instanceof LikenessError ? error.kind : 'not a LikenessError'
  }
  return undefined
}

describe('stylize: the loop', () => {
  it('returns the image at the requested size with one loss record per iteration', async () => {
    const seen: number[] = []
    const result = await stylize(params({ size: 96, iterations: 5, multiScale: true, minSide: 48 }), network, {
      onProgress: (iteration) => seen.push(iteration)
    })
    const longest = Math.max(result.image.width, result.image.height)
    expect(longest).toBe(96)
    expect(result.image.width / result.image.height).toBeCloseTo(photo.width / photo.height, 1)
    expect(seen).toEqual([1, 2, 3, 4, 5])
    // Coarse to fine: three iterations at 48 px, the last quarter (rounded up) at 96.
    expect(result.history.map((r) => Math.max(r.width, r.height))).toEqual([48, 48, 48, 96, 96])
  })

  it('stops with Cancelled within one iteration of being asked', async () => {
    let iterations = 0
    let cancelled = false
    const kind = await kindOf(
      stylize(params({ iterations: 20 }), network, {
        onProgress: (iteration) => {
          iterations = iteration
          if (iteration === 2) cancelled = true
        },
        isCancelled: () => cancelled
      })
    )
    expect(kind).toBe('Cancelled')
    expect(iterations).toBe(2)
  })

  it('refuses bad input with typed errors', async () => {
    const tiny: RgbImage = { width: 1, height: 1, data: new Uint8Array(3) }
    expect(await kindOf(stylize(params({ iterations: 0 }), network))).toBe('BadRequest')
    expect(await kindOf(stylize(params({ content: tiny }), network))).toBe('BadRequest')
    expect(await kindOf(stylize(params({ styles: [{ image: tiny, weight: 1 }] }), network))).toBe('BadRequest')
    expect(await kindOf(stylize(params({ contentLayer: 'mixed99' }), network))).toBe('BadRequest')
    expect(await kindOf(stylize(params({ styleLayers: [{ name: 'nope', weight: 1 }] }), network))).toBe('BadRequest')
    expect(await kindOf(stylize(params({ styles: [] }), network))).toBe('BadRequest')
    expect(await kindOf(stylize(params({ shiftEvery: 0 }), network))).toBe('BadRequest')
    // A 2000×20 strip at 256 px would be 3 px tall: too thin to pad and look at.
    expect(await kindOf(stylize(params({ content: { width: 2000, height: 20, data: new Uint8Array(2000 * 20 * 3) }, size: 256 }), network))).toBe('BadRequest')
  })

  it('holds tf.memory() steady from one iteration to the next and frees everything at the end', async () => {
    const before = tf.memory().numTensors
    for (const optimizer of ['adam', 'lbfgs'] as const) {
      for (const parameterisation of ['pixels', 'fourier'] as const) {
        const counts: number[] = []
        // One framing: content targets are computed per shift on first use, and kept.
        await stylize(params({ optimizer, parameterisation, maxShift: 0, iterations: 6, previewEvery: 2 }), network, {
          onProgress: () => counts.push(tf.memory().numTensors)
        })
        // L-BFGS keeps one more curvature pair per iteration until its history is full.
        if (optimizer === 'adam') expect(new Set(counts.slice(1)).size).toBe(1)
        expect(tf.memory().numTensors).toBe(before)
      }
    }
    // With shifts, at most one more tensor per shift (its content target), then steady.
    const counts: number[] = []
    await stylize(params({ iterations: 12 }), network, { onProgress: () => counts.push(tf.memory().numTensors) })
    expect(Math.max(...counts) - counts[0]).toBeLessThanOrEqual(8)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('keeps the photo\'s colours when asked to, in both colour modes, with two styles blended', async () => {
    const meanChroma = (image: tf.Tensor3D) =>
      tf.tidy(() => Array.from(rgbToYiq(image.expandDims(0) as tf.Tensor4D).slice([0, 0, 0, 1], [-1, -1, -1, 2]).mean([0, 1, 2]).dataSync()))
    const styles = [
      { image: painting, weight: 0.6 },
      { image: testPainting(40, 40), weight: 0.4 }
    ]
    for (const colour of ['transfer', 'luminance'] as const) {
      const result = await stylize(params({ colour, iterations: 3, styles, styleScale: 0.5 }), network)
      const ours = imageToTensor(result.image)
      const photoAtSize = tf.tidy(() => tf.image.resizeBilinear(imageToTensor(photo), [result.image.height, result.image.width], false, true))
      const expected = meanChroma(photoAtSize)
      meanChroma(ours).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 2))
      tf.dispose([ours, photoAtSize])
    }
  })
})
