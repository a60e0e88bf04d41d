import * as tf from '@tensorflow/tfjs'
import h5wasm from 'h5wasm/node'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { LikenessError } from '../../../src/shared/errors'
import { loadVgg19, vgg19TapLayers } from '../../../src/main/style/networks/vgg19'
import { vgg19Download } from '../../../src/main/models/registry'

/** Tiny widths per block keep the file a few kilobytes while keeping VGG19's 16-conv layout. */
const blockWidths = [2, 3, 4, 5, 6]
const widths = vgg19TapLayers.map((name) => blockWidths[Number(name[5]) - 1])

interface TinyWeights {
  kernels: Float32Array[]
  biases: Float32Array[]
}

function tinyWeights(): TinyWeights {
  let inChannels = 3
  const kernels: Float32Array[] = []
  const biases: Float32Array[] = []
  widths.forEach((outChannels, i) => {
    // He-style scale so that activations neither vanish nor explode through 16 layers.
    const scale = Math.sqrt(2 / (9 * inChannels)) * (i === 0 ? 1 / 60 : 1)
    kernels.push(tf.tidy(() => tf.randomNormal([3, 3, inChannels, outChannels], 0, scale, 'float32', 10 + i).dataSync() as Float32Array))
    biases.push(tf.tidy(() => tf.randomUniform([outChannels], -0.1, 0.1, 'float32', 40 + i).dataSync() as Float32Array))
    inChannels = outChannels
  })
  return { kernels, biases }
}

/**
 * Writes the weights as Keras does: 'legacy' is Keras 2.0's layout of the published file
 * (block1_conv1/block1_conv1_W_1:0), 'nested' the later one (block1_conv1/block1_conv1/kernel:0).
 */
function writeKerasFile(file: string, weights: TinyWeights, layout: 'legacy' | 'nested', skip?: string): void {
  const h5 = new h5wasm.File(file, 'w')
  const layers = vgg19TapLayers.filter((name) => name !== skip)
  h5.create_attribute('layer_names', layers)
  vgg19TapLayers.forEach((name, i) => {
    if (name === skip) return
    const group = h5.create_group(name)
    const inChannels = i === 0 ? 3 : widths[i - 1]
    const kernel = { data: weights.kernels[i], shape: [3, 3, inChannels, widths[i]] }
    const bias = { data: weights.biases[i], shape: [widths[i]] }
    if (layout === 'legacy') {
      group.create_attribute('weight_names', [`${name}_W_1:0`, `${name}_b_1:0`])
      group.create_dataset({ name: `${name}_W_1:0`, ...kernel })
      group.create_dataset({ name: `${name}_b_1:0`, ...bias })
    } else {
      const inner = group.create_group(name)
      inner.create_dataset({ name: 'kernel:0', ...kernel })
      inner.create_dataset({ name: 'bias:0', ...bias })
    }
  })
  h5.close()
}

/** The network written out by hand: caffe preprocessing, then conv2d + bias + ReLU and 2×2 pooling. */
function directForward(images: tf.Tensor4D, weights: TinyWeights, tap: string, pooling: 'max' | 'avg'): tf.Tensor4D {
  return tf.tidy(() => {
    let x = images.reverse(3).mul(255).sub(tf.tensor1d([103.939, 116.779, 123.68])) as tf.Tensor4D
    let inChannels = 3
    for (let i = 0; i < vgg19TapLayers.length; i++) {
      const name = vgg19TapLayers[i]
      const isFirstOfBlock = name.endsWith('conv1') && i > 0
      if (isFirstOfBlock) x = pooling === 'max' ? tf.maxPool(x, 2, 2, 'valid') : tf.avgPool(x, 2, 2, 'valid')
      const kernel = tf.tensor4d(weights.kernels[i], [3, 3, inChannels, widths[i]])
      x = tf.relu(tf.conv2d(x, kernel, 1, 'same').add(tf.tensor1d(weights.biases[i]))) as tf.Tensor4D
      inChannels = widths[i]
      if (name === tap) return x
    }
    throw new Error(`no layer ${tap}`)
  })
}

function relativeError(actual: tf.Tensor, expected: tf.Tensor): number {
  return tf.tidy(() => actual.sub(expected).abs().max().div(expected.abs().max()).dataSync()[0])
}

async function failureKind(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run()
  } catch (error) {
    return error instanceof LikenessError ? error.kind : 'untyped'
  }
  return undefined
}

const directory = mkdtempSync(path.join(tmpdir(), 'likeness-vgg19-'))
const weights = { kernels: [] as Float32Array[], biases: [] as Float32Array[] }

beforeAll(async () => {
  await initBackend('wasm')
  await h5wasm.ready
  Object.assign(weights, tinyWeights())
})

afterAll(() => rmSync(directory, { recursive: true, force: true }))

describe('VGG19 from a Keras .h5 file', () => {
  const taps = ['block1_conv1', 'block2_conv2', 'block3_conv4', 'block4_conv1', 'block5_conv1']
  const images = (): tf.Tensor4D => tf.randomUniform([1, 48, 40, 3], 0, 1, 'float32', 7) as tf.Tensor4D

  it.each(['legacy', 'nested'] as const)('%s layout: taps match a direct tf.conv2d computation', async (layout) => {
    const file = path.join(directory, `${layout}.h5`)
    writeKerasFile(file, weights, layout)
    for (const pooling of ['max', 'avg'] as const) {
      const network = await loadVgg19(file, { pooling })
      const x = images()
      const actual = network.forward(x, taps)
      for (const tap of taps) {
        const expected = directForward(x, weights, tap, pooling)
        expect(actual[tap].shape).toEqual(expected.shape)
        expect(relativeError(actual[tap], expected)).toBeLessThan(1e-5)
        expected.dispose()
      }
      tf.dispose([x, ...Object.values(actual)])
      expect(network.id).toBe('vgg19')
      expect(network.tapLayers).toHaveLength(16)
      network.dispose()
    }
  })

  it('a file missing a layer, a file that is not HDF5, and no file at all are ModelUnavailable', async () => {
    const missing = path.join(directory, 'missing-layer.h5')
    writeKerasFile(missing, weights, 'legacy', 'block4_conv3')
    const garbage = path.join(directory, 'garbage.h5')
    writeFileSync(garbage, 'not an hdf5 file')
    expect(await failureKind(() => loadVgg19(missing))).toBe('ModelUnavailable')
    expect(await failureKind(() => loadVgg19(garbage))).toBe('ModelUnavailable')
    expect(await failureKind(() => loadVgg19(path.join(directory, 'absent.h5')))).toBe('ModelUnavailable')
  })

  it('describes the published file for the downloader', () => {
    expect(vgg19Download.md5).toBe('253f8cb515780f3b799900260a226db6')
    expect(vgg19Download.url.endsWith(vgg19Download.fileName)).toBe(true)
  })
})
