import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { freezeConv, type ConvActivation } from '../../../src/main/engine/kernels/frozenConv'
import { registerWasmGradientKernels } from '../../../src/main/engine/kernels/wasmGradientKernels'

interface Case {
  label: string
  depthwise: boolean
  input: [number, number, number, number]
  filter: [number, number, number, number]
  strides: number
  pad: 'same' | 'valid'
  activation: ConvActivation
}

const cases: Case[] = [
  { label: '3×3 stride 1 same relu', depthwise: false, input: [2, 9, 8, 3], filter: [3, 3, 3, 5], strides: 1, pad: 'same', activation: 'relu' },
  { label: '3×3 stride 2 valid relu', depthwise: false, input: [1, 11, 10, 4], filter: [3, 3, 4, 6], strides: 2, pad: 'valid', activation: 'relu' },
  { label: '3×3 stride 2 same, even size', depthwise: false, input: [1, 10, 8, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'same', activation: 'linear' },
  { label: '1×7 stride 1 same relu6', depthwise: false, input: [1, 8, 12, 4], filter: [1, 7, 4, 3], strides: 1, pad: 'same', activation: 'relu6' },
  { label: '5×5 stride 1 valid', depthwise: false, input: [1, 9, 9, 2], filter: [5, 5, 2, 3], strides: 1, pad: 'valid', activation: 'relu' },
  { label: 'depthwise 3×3 same relu6', depthwise: true, input: [2, 8, 9, 4], filter: [3, 3, 4, 1], strides: 1, pad: 'same', activation: 'relu6' },
  { label: 'depthwise 3×3 stride 2 valid ×2', depthwise: true, input: [1, 11, 9, 3], filter: [3, 3, 3, 2], strides: 2, pad: 'valid', activation: 'relu' }
]

/** Deterministic values spread over roughly [−1.5, 1.5] so that relu6 saturates somewhere. */
function values(shape: number[], seed: number, scale = 1): tf.Tensor {
  return tf.tidy(() => tf.randomUniform(shape, -1.5 * scale, 1.5 * scale, 'float32', seed))
}

function stockForward(c: Case, x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D): tf.Tensor4D {
  const z = (c.depthwise ? tf.depthwiseConv2d(x, filter, c.strides, c.pad) : tf.conv2d(x, filter, c.strides, c.pad)).add(bias)
  return (c.activation === 'relu' ? tf.relu(z) : c.activation === 'relu6' ? tf.relu6(z) : z) as tf.Tensor4D
}

interface Gradients {
  dx: Float32Array
  dFilter?: Float32Array
}

/** d/dx (and d/dW) of Σ r ⊙ conv(x), with a fixed random r so that every output position matters. */
function gradients(c: Case, way: 'stock' | 'frozen', withFilter: boolean): Gradients {
  return tf.tidy(() => {
    const x = values(c.input, 1) as tf.Tensor4D
    const filter = values(c.filter, 2, 0.5) as tf.Tensor4D
    const bias = values([c.depthwise ? c.filter[2] * c.filter[3] : c.filter[3]], 3, 0.3) as tf.Tensor1D
    if (way === 'frozen') {
      const conv = freezeConv({ depthwise: c.depthwise, filter, bias, strides: c.strides, pad: c.pad, activation: c.activation })
      const y = conv.apply(x)
      const r = values(y.shape, 4)
      return { dx: tf.grad((input: tf.Tensor) => conv.apply(input as tf.Tensor4D).mul(r).sum())(x).dataSync() as Float32Array }
    }
    const y = stockForward(c, x, filter, bias)
    const r = values(y.shape, 4)
    const [dx, dFilter] = tf.grads((input: tf.Tensor, w: tf.Tensor) =>
      stockForward(c, input as tf.Tensor4D, w as tf.Tensor4D, bias).mul(r).sum()
    )([x, filter])
    return { dx: dx.dataSync() as Float32Array, dFilter: withFilter ? (dFilter.dataSync() as Float32Array) : undefined }
  })
}

function relativeError(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length)
  let worst = 0
  let scale = 0
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]))
    scale = Math.max(scale, Math.abs(expected[i]))
  }
  return worst / scale
}

const reference = new Map<string, Gradients>()

beforeAll(async () => {
  await tf.setBackend('cpu')
  for (const c of cases) reference.set(c.label, gradients(c, 'stock', true))
  await initBackend('wasm')
  registerWasmGradientKernels()
})

describe('image gradient through the flipped kernel', () => {
  it.each(cases.map((c) => [c.label, c] as const))('%s matches stock tfjs on cpu to 1e-5', async (_label, c) => {
    await tf.setBackend('cpu')
    const onCpu = gradients(c, 'frozen', false)
    await tf.setBackend('wasm')
    const onWasm = gradients(c, 'frozen', false)
    const expected = reference.get(c.label)!.dx
    expect(relativeError(onCpu.dx, expected)).toBeLessThan(1e-5)
    expect(relativeError(onWasm.dx, expected)).toBeLessThan(1e-5)
  })

  it('keeps no tensors behind', async () => {
    await tf.setBackend('wasm')
    const before = tf.memory().numTensors
    gradients(cases[1], 'frozen', false)
    expect(tf.memory().numTensors).toBe(before)
  })
})

describe('wasm gradient kernels registered through forward ops', () => {
  it.each(cases.map((c) => [c.label, c] as const))('%s: stock dx and dW on wasm match cpu', async (_label, c) => {
    await tf.setBackend('wasm')
    const onWasm = gradients(c, 'stock', true)
    const expected = reference.get(c.label)!
    expect(relativeError(onWasm.dx, expected.dx)).toBeLessThan(1e-5)
    expect(relativeError(onWasm.dFilter!, expected.dFilter!)).toBeLessThan(1e-5)
  })

  it('filter gradient agrees with central finite differences', async () => {
    await tf.setBackend('wasm')
    const c = cases[1]
    const loss = (w: tf.Tensor4D): number =>
      tf.tidy(() => {
        const x = values(c.input, 1) as tf.Tensor4D
        const bias = values([c.filter[3]], 3, 0.3) as tf.Tensor1D
        const y = stockForward(c, x, w, bias)
        return y.mul(values(y.shape, 4)).sum().dataSync()[0]
      })
    const analytic = gradients(c, 'stock', true).dFilter!
    const filter = values(c.filter, 2, 0.5).dataSync() as Float32Array
    const step = 1e-2
    for (const index of [0, 17, 50, filter.length - 1]) {
      const plus = Float32Array.from(filter)
      const minus = Float32Array.from(filter)
      plus[index] += step
      minus[index] -= step
      const numeric = (loss(tf.tensor4d(plus, c.filter)) - loss(tf.tensor4d(minus, c.filter))) / (2 * step)
      expect(Math.abs(numeric - analytic[index])).toBeLessThan(2e-2 * Math.max(1, Math.abs(analytic[index])))
    }
  })

  it('registration is idempotent', () => {
    expect(() => registerWasmGradientKernels()).not.toThrow()
  })
})

describe("tf's own fused-conv gradients on wasm through the registered kernels", () => {
  interface FusedGradients {
    dx: Float32Array
    dFilter: Float32Array
    dBias: Float32Array
  }

  /** d/d(x, W, b) of Σ r ⊙ relu(conv(x, W) + b) with tf.fused, on tensors the caller keeps. */
  function fusedGradients(c: Case): { gradients: FusedGradients; inputsAfter: Float32Array[]; inputsBefore: Float32Array[] } {
    const x = values(c.input, 1) as tf.Tensor4D
    const filter = values(c.filter, 2, 0.5) as tf.Tensor4D
    const bias = values([c.depthwise ? c.filter[2] * c.filter[3] : c.filter[3]], 3, 0.3) as tf.Tensor1D
    const inputsBefore = [x, filter, bias].map((t) => t.dataSync() as Float32Array)
    const fused = (input: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor4D => {
      const args = { x: input as tf.Tensor4D, filter: w as tf.Tensor4D, bias: b, strides: c.strides, pad: c.pad, activation: 'relu' as const }
      return c.depthwise ? tf.fused.depthwiseConv2d(args) : tf.fused.conv2d(args)
    }
    const gradients = tf.tidy(() => {
      const r = values(fused(x, filter, bias).shape, 4)
      const [dx, dFilter, dBias] = tf.grads((input: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => fused(input, w, b).mul(r).sum())([x, filter, bias])
      return { dx: dx.dataSync() as Float32Array, dFilter: dFilter.dataSync() as Float32Array, dBias: dBias.dataSync() as Float32Array }
    })
    const inputsAfter = [x, filter, bias].map((t) => t.dataSync() as Float32Array)
    tf.dispose([x, filter, bias])
    return { gradients, inputsBefore, inputsAfter }
  }

  it.each([cases[0], cases[1], cases[6]].map((c) => [c.label, c] as const))('%s: dx, dW, db match cpu; inputs intact; nothing leaks', async (_label, c) => {
    await tf.setBackend('cpu')
    const expected = fusedGradients(c).gradients
    await tf.setBackend('wasm')
    const before = tf.memory()
    const onWasm = fusedGradients(c)
    expect(relativeError(onWasm.gradients.dx, expected.dx)).toBeLessThan(1e-5)
    expect(relativeError(onWasm.gradients.dFilter, expected.dFilter)).toBeLessThan(1e-5)
    expect(relativeError(onWasm.gradients.dBias, expected.dBias)).toBeLessThan(1e-5)
    onWasm.inputsAfter.forEach((after, i) => expect(after).toEqual(onWasm.inputsBefore[i]))
    expect(tf.memory().numTensors).toBe(before.numTensors)
    expect(tf.memory().numBytes).toBe(before.numBytes)
  })
})
