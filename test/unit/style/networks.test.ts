import os from 'node:os'
import * as tf from '@tensorflow/tfjs'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { registerWasmGradientKernels } from '../../../src/main/engine/kernels/wasmGradientKernels'
import { decodeImage } from '../../../src/main/image/decode'
import { imageToTensor } from '../../../src/main/image/tensor'
import { LikenessError } from '../../../src/shared/errors'
import type { FrozenNetwork } from '../../../src/main/style/networks/frozenNetwork'
import { inceptionCut } from '../../../src/main/style/networks/inception'
import { mobilenetCut } from '../../../src/main/style/networks/mobilenet'
import { readNsfwjsBundle } from '../../../src/main/style/networks/nsfwjsBundle'
import { modelFiles } from '../../../src/main/models/registry'
import { loadShipped } from '../../support/models'

const require = createRequire(import.meta.url)

/** face-api's sample photo, shrunk to a small non-square batch of one. */
async function samplePhoto(height: number, width: number): Promise<tf.Tensor4D> {
  const file = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo', 'sample1.jpg')
  const { image } = await decodeImage(readFileSync(file))
  return tf.tidy(() => tf.image.resizeBilinear(imageToTensor(image).expandDims(0) as tf.Tensor4D, [height, width]))
}

/**
 * The reference: tf.LayersModel built from the very same shipped topology (input size freed,
 * outputs at the taps) with weights decoded by tfjs's own decodeWeights.
 */
async function referenceModel(model: 'inception' | 'mobilenet', cut: string, taps: string[]): Promise<tf.LayersModel> {
  const bundle = readNsfwjsBundle(path.dirname(modelFiles(model, { dataDir: os.tmpdir() })[0]!))
  const topology = structuredClone(bundle.modelTopology) as {
    model_config: { config: { layers: { name: string; config: Record<string, unknown> }[]; output_layers: unknown[] } }
  }
  const config = topology.model_config.config
  const cutIndex = config.layers.findIndex((layer) => layer.name === cut)
  config.layers = config.layers.slice(0, cutIndex + 1)
  config.layers[0].config.batch_input_shape = [null, null, null, 3]
  config.output_layers = [[cut, 0, 0]]
  const json = { modelTopology: topology } as unknown as Parameters<typeof tf.models.modelFromJSON>[0]
  const full = (await tf.models.modelFromJSON(json)) as tf.LayersModel
  const weights = tf.io.decodeWeights(bundle.weightData.slice().buffer, bundle.weightSpecs)
  full.loadWeights(weights, false)
  tf.dispose(Object.values(weights))
  return tf.model({ inputs: full.inputs, outputs: taps.map((name) => full.getLayer(name).output as tf.SymbolicTensor) })
}

function relativeError(actual: tf.Tensor, expected: tf.Tensor): number {
  return tf.tidy(() => actual.sub(expected).abs().max().div(expected.abs().max()).dataSync()[0])
}

let inception: FrozenNetwork
let mobilenet: FrozenNetwork

beforeAll(async () => {
  await initBackend('wasm')
  registerWasmGradientKernels()
  inception = await loadShipped('inception')
  mobilenet = await loadShipped('mobilenet')
})

afterAll(() => {
  inception.dispose()
  mobilenet.dispose()
})

describe('bundled networks against the original tf.LayersModel', () => {
  it('InceptionV3: style and content layers match to 1e-4', async () => {
    const taps = ['activation_2', 'activation_4', 'mixed0', 'mixed3', inceptionCut]
    const photo = await samplePhoto(96, 112)
    const reference = await referenceModel('inception', inceptionCut, taps)
    const expected = reference.predict(photo) as tf.Tensor[]
    const actual = inception.forward(photo, taps)
    taps.forEach((name, i) => {
      expect(actual[name].shape).toEqual(expected[i].shape)
      expect(relativeError(actual[name], expected[i])).toBeLessThan(1e-4)
    })
    tf.dispose([photo, ...expected, ...Object.values(actual)])
    reference.dispose()
  })

  it('MobileNetV2: activations and image gradients match', async () => {
    const taps = ['Conv1_relu', 'block_3_expand_relu', 'block_6_expand_relu', mobilenetCut]
    const photo = await samplePhoto(64, 80)
    const reference = await referenceModel('mobilenet', mobilenetCut, taps)
    const expected = reference.predict(photo) as tf.Tensor[]
    const actual = mobilenet.forward(photo, taps)
    taps.forEach((name, i) => expect(relativeError(actual[name], expected[i])).toBeLessThan(1e-4))
    // Σ over the content layer's activations, differentiated through stock gradients and through ours.
    const content = 'block_6_expand_relu'
    const stockGradient = tf.grad((x) => (reference.predict(x) as tf.Tensor[])[2].square().sum())(photo)
    const ourGradient = tf.grad((x) => mobilenet.forward(x as tf.Tensor4D, [content])[content].square().sum())(photo)
    expect(relativeError(ourGradient, stockGradient)).toBeLessThan(1e-3)
    tf.dispose([photo, stockGradient, ourGradient, ...expected, ...Object.values(actual)])
    reference.dispose()
  })
})

describe('the FeatureNetwork contract', () => {
  it('describes its graph for receptive fields', () => {
    for (const network of [inception, mobilenet]) {
      const names = new Set(network.nodes.map((node) => node.name))
      expect(network.nodes[0].op).toBe('input')
      for (const tap of network.tapLayers) expect(names.has(tap)).toBe(true)
      for (const node of network.nodes) for (const input of node.inputs) expect(names.has(input)).toBe(true)
    }
    const stem = inception.nodes.find((node) => node.name === 'activation_1')!
    expect(stem).toMatchObject({ op: 'conv', kernel: 3, stride: 2, padding: 'valid', channels: 32 })
    expect(inception.nodes.some((node) => node.kernelSize?.[0] === 1 && node.kernelSize[1] === 7)).toBe(true)
    expect(mobilenet.nodes.find((node) => node.name === 'expanded_conv_depthwise_relu')).toMatchObject({ op: 'depthwiseConv', channels: 32 })
  })

  it('predicts the shapes it produces', () => {
    const shapes = inception.activationShapes(80, 90)
    const out = tf.tidy(() => inception.forward(tf.zeros([1, 80, 90, 3]) as tf.Tensor4D, ['mixed2'])['mixed2'].shape)
    expect([1, ...shapes.get('mixed2')!]).toEqual(out)
    expect(inception.estimateActivationBytes(512, 512, { gradient: true })).toBeGreaterThan(inception.estimateActivationBytes(256, 256, { gradient: true }))
  })

  it('frees everything but the taps', () => {
    const before = tf.memory().numTensors
    const out = mobilenet.forward(tf.ones([1, 48, 48, 3]) as tf.Tensor4D, ['block_2_expand_relu'])
    expect(tf.memory().numTensors).toBe(before + 2)
    tf.dispose(out)
  })

  it('refuses unknown layers, wrong layouts and images too small, with typed errors', () => {
    const image = tf.zeros([1, 64, 64, 3]) as tf.Tensor4D
    const kindOf = (run: () => unknown): string | undefined => {
      try {
        run()
      } catch (error) {
        return error instanceof LikenessError ? error.kind : 'untyped'
      }
      return undefined
    }
    expect(kindOf(() => mobilenet.forward(image, ['no_such_layer']))).toBe('BadRequest')
    expect(kindOf(() => mobilenet.forward(tf.zeros([1, 64, 64, 4]) as tf.Tensor4D, ['Conv1_relu']))).toBe('BadRequest')
    expect(kindOf(() => inception.forward(tf.zeros([1, 20, 64, 3]) as tf.Tensor4D, ['mixed0']))).toBe('BadRequest')
    image.dispose()
  })
})
