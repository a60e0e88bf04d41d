import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { parameterisations } from '../../../src/shared/api/style'
import { initBackend } from '../../../src/main/engine/backend'
import { imageParameters, projectToPicture } from '../../../src/main/style/parameterisation'

beforeAll(async () => {
  await initBackend('wasm')
})

const [height, width] = [24, 40]
const picture = (seed: number): tf.Tensor4D => tf.randomUniform([1, height, width, 3], 0, 1, 'float32', seed) as tf.Tensor4D
const dot = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => a.reshape([-1]).dot(b.reshape([-1])).dataSync()[0])
// Mean squared 4-neighbour Laplacian of each channel: how much fine detail a picture holds.
const fineEnergy = (x: tf.Tensor4D): number =>
  tf.tidy(() => {
    const kernel = tf.tensor4d([0, 1, 0, 1, -4, 1, 0, 1, 0], [3, 3, 1, 1]).tile([1, 1, 3, 1]) as tf.Tensor4D
    return tf.depthwiseConv2d(x, kernel, 1, 'valid').square().mean().dataSync()[0]
  })

describe.each(parameterisations)('%s parameters', (kind) => {
  it('decode(encode(G)) is G', () => {
    const parameters = imageParameters(kind, height, width)
    const g = picture(1)
    const error = tf.tidy(() => parameters.decode(parameters.encode(g)).sub(g).abs().max().dataSync()[0])
    expect(error).toBeLessThan(1e-4)
    g.dispose()
    parameters.dispose()
  })

  it('pulls gradients back through decode exactly as tf differentiates it', () => {
    const parameters = imageParameters(kind, height, width)
    const target = picture(2)
    const p = tf.tidy(() => parameters.encode(picture(3)))
    // J(G) = Σ (G − T)²: ∂J/∂G = 2(G − T); the parameters' gradient is decodeᵀ of that.
    const objective = (image: tf.Tensor): tf.Scalar => image.sub(target).square().sum() as tf.Scalar
    const byTf = tf.grad((q: tf.Tensor) => objective(parameters.decode(q)))(p)
    const pulled = tf.tidy(() => parameters.pullBack(tf.grad(objective)(parameters.decode(p)) as tf.Tensor4D))
    const scale = tf.tidy(() => byTf.abs().max().dataSync()[0])
    expect(tf.tidy(() => pulled.sub(byTf).abs().max().dataSync()[0])).toBeLessThan(1e-3 * scale)
    // And it is the adjoint: ⟨decode(p), g⟩ = ⟨p, pullBack(g)⟩.
    const g = picture(4)
    const left = tf.tidy(() => dot(parameters.decode(p), g))
    const right = tf.tidy(() => dot(p, parameters.pullBack(g)))
    expect(Math.abs(left - right)).toBeLessThan(1e-3 * Math.abs(left))
    tf.dispose([target, p, byTf, pulled, g])
    parameters.dispose()
  })

  it('projects onto pictures: G stays in [0, 1], a picture already inside is left alone', () => {
    const parameters = imageParameters(kind, height, width)
    const inside = tf.tidy(() => parameters.encode(picture(5)))
    const outside = tf.tidy(() => parameters.encode(picture(6).mul(3).sub(1) as tf.Tensor4D))
    const projected = projectToPicture(parameters, outside)
    expect(tf.tidy(() => projected.image.min().dataSync()[0])).toBeGreaterThanOrEqual(0)
    expect(tf.tidy(() => projected.image.max().dataSync()[0])).toBeLessThanOrEqual(1)
    // The picture returned is what the new parameters decode to.
    expect(tf.tidy(() => parameters.decode(projected.params).sub(projected.image).abs().max().dataSync()[0])).toBeLessThan(1e-4)
    const kept = projectToPicture(parameters, inside)
    expect(tf.tidy(() => kept.image.sub(parameters.decode(inside)).abs().max().dataSync()[0])).toBeLessThan(1e-4)
    tf.dispose([inside, outside, projected.params, projected.image, kept.params, kept.image])
    parameters.dispose()
  })
})

describe('what the parameterisations change', () => {
  /** G after one step of ±lr on every parameter (what Adam's first step is), from a grey picture. */
  const signStep = (kind: (typeof parameterisations)[number], [h, w] = [height, width]): tf.Tensor4D =>
    tf.tidy(() => {
      const parameters = imageParameters(kind, h, w)
      const p = parameters.encode(tf.fill([1, h, w, 3], 0.5) as tf.Tensor4D)
      const signs = tf.randomUniform(p.shape, -1, 1, 'float32', 7).sign()
      const moved = parameters.decode(p.add(signs.mul(0.02)))
      parameters.dispose()
      return moved.sub(0.5) as tf.Tensor4D
    })

  it('decorrelated colour moves chroma less than brightness', () => {
    const step = signStep('decorrelated')
    // Spread across channels at one pixel (chroma) against the mean over channels (brightness).
    const [chroma, brightness] = tf.tidy(() => {
      const mean = step.mean(3, true)
      return [step.sub(mean).square().mean().dataSync()[0], mean.square().mean().dataSync()[0]]
    })
    const pixels = signStep('pixels')
    const [pixelChroma, pixelBrightness] = tf.tidy(() => {
      const mean = pixels.mean(3, true)
      return [pixels.sub(mean).square().mean().dataSync()[0], mean.square().mean().dataSync()[0]]
    })
    expect(chroma / brightness).toBeLessThan(0.25 * (pixelChroma / pixelBrightness))
    tf.dispose([step, pixels])
  })

  it('the 1/f cosine basis moves broad areas, not single pixels; the pyramid adds broad moves to pixel ones', () => {
    // Four pyramid levels at this size (96, 48, 24, 12 rows).
    const size: [number, number] = [96, 128]
    const pixels = signStep('pixels', size)
    const relative = (x: tf.Tensor4D): number => fineEnergy(x) / tf.tidy(() => x.square().mean().dataSync()[0])
    const fourier = signStep('fourier', size)
    const pyramid = signStep('pyramid', size)
    expect(relative(fourier)).toBeLessThan(0.2 * relative(pixels))
    expect(relative(pyramid)).toBeLessThan(0.6 * relative(pixels))
    tf.dispose([pixels, fourier, pyramid])
  })
})
