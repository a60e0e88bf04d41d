import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import type { NetworkNode } from '../../../src/main/engine/network'
import { patchBox, receptiveFieldOf, receptiveFields } from '../../../src/main/explore/receptiveField'
import { LikenessError } from '../../../src/shared/errors'

const input: NetworkNode = { name: 'input', op: 'input', kernel: 1, stride: 1, padding: 'valid', inputs: [], channels: 3 }

/** A chain of nodes, each reading the one before. */
function chain(...nodes: Omit<NetworkNode, 'inputs'>[]): NetworkNode[] {
  const graph: NetworkNode[] = [input]
  for (const node of nodes) graph.push({ ...node, inputs: [graph[graph.length - 1].name] })
  return graph
}
const conv3 = (name: string): Omit<NetworkNode, 'inputs'> => ({ name, op: 'conv', kernel: 3, stride: 1, padding: 'same', channels: 8 })
const pool2 = (name: string): Omit<NetworkNode, 'inputs'> => ({ name, op: 'maxPool', kernel: 2, stride: 2, padding: 'same', channels: 8 })

// VGG19's first three blocks.
const vggLike = chain(
  conv3('conv1_1'), conv3('conv1_2'), pool2('pool1'),
  conv3('conv2_1'), conv3('conv2_2'), pool2('pool2'),
  conv3('conv3_1'), conv3('conv3_2'), conv3('conv3_3'), conv3('conv3_4'), pool2('pool3')
)

// dlib's ResNet as face-api runs it: conv 7×7/2 'valid', max-pool 3×3/2 'valid', a residual
// block of two 3×3 'same' convs, then a down block (3×3/2 'valid' conv, 3×3 conv; 2×2/2 avg-pool shortcut).
const faceStem: NetworkNode[] = [
  input,
  { name: 'conv32_down', op: 'conv', kernel: 7, stride: 2, padding: 'valid', inputs: ['input'], channels: 32 },
  { name: 'pool', op: 'maxPool', kernel: 3, stride: 2, padding: 'valid', inputs: ['conv32_down'], channels: 32 },
  { name: 'conv32_1a', op: 'conv', kernel: 3, stride: 1, padding: 'same', inputs: ['pool'], channels: 32 },
  { name: 'conv32_1b', op: 'conv', kernel: 3, stride: 1, padding: 'same', inputs: ['conv32_1a'], channels: 32 },
  { name: 'conv32_1', op: 'add', kernel: 1, stride: 1, padding: 'valid', inputs: ['conv32_1b', 'pool'], channels: 32 },
  { name: 'conv64_down_a', op: 'conv', kernel: 3, stride: 2, padding: 'valid', inputs: ['conv32_1'], channels: 64 },
  { name: 'conv64_down_b', op: 'conv', kernel: 3, stride: 1, padding: 'same', inputs: ['conv64_down_a'], channels: 64 },
  { name: 'conv64_shortcut', op: 'avgPool', kernel: 2, stride: 2, padding: 'valid', inputs: ['conv32_1'], channels: 32 },
  { name: 'conv64_down', op: 'add', kernel: 1, stride: 1, padding: 'valid', inputs: ['conv64_down_b', 'conv64_shortcut'], channels: 64 },
  { name: 'avg', op: 'globalPool', kernel: 1, stride: 1, padding: 'valid', inputs: ['conv64_down'], channels: 64 }
]

// A stride-2 stem, then a factorised 7×7 as InceptionV3 builds it.
const inceptionLike = chain(
  { name: 'stem', op: 'conv', kernel: 3, stride: 2, padding: 'same', channels: 4 },
  { name: 'conv_1x7', op: 'conv', kernel: 7, kernelSize: [1, 7], stride: 1, padding: 'same', channels: 4 },
  { name: 'conv_7x1', op: 'conv', kernel: 7, kernelSize: [7, 1], stride: 1, padding: 'same', channels: 4 }
)

describe('receptive fields', () => {
  it('grows through a VGG-like stack as worked by hand', () => {
    const fields = receptiveFields(vggLike)
    const table = Object.fromEntries([...fields].map(([name, f]) => [name, [f.height, f.stride, f.top]]))
    for (const f of fields.values()) expect([f.width, f.left]).toEqual([f.height, f.top])
    expect(table).toEqual({
      input: [1, 1, 0],
      conv1_1: [3, 1, -1],
      conv1_2: [5, 1, -2],
      pool1: [6, 2, -2],
      conv2_1: [10, 2, -4],
      conv2_2: [14, 2, -6],
      pool2: [16, 4, -6],
      conv3_1: [24, 4, -10],
      conv3_2: [32, 4, -14],
      conv3_3: [40, 4, -18],
      conv3_4: [48, 4, -22],
      pool3: [52, 8, -22]
    })
  })

  it('follows the face encoder stem, its residual adds and its down block', () => {
    const fields = receptiveFields(faceStem)
    const table = Object.fromEntries([...fields].map(([name, f]) => [name, [f.height, f.stride, f.top]]))
    for (const f of fields.values()) expect([f.width, f.left]).toEqual([f.height, f.top])
    expect(table).toMatchObject({
      conv32_down: [7, 2, 0],
      pool: [11, 4, 0],
      conv32_1a: [19, 4, -4],
      conv32_1b: [27, 4, -8],
      conv32_1: [27, 4, -8],
      conv64_down_a: [35, 8, -8],
      conv64_down_b: [51, 8, -16],
      conv64_shortcut: [31, 8, -8],
      conv64_down: [51, 8, -16]
    })
    expect(fields.get('conv64_down')?.global).toBe(false)
    expect(fields.get('avg')?.global).toBe(true)
    expect(patchBox(receptiveFieldOf(faceStem, 'avg'), 0, 0, 150, 120)).toEqual({ top: 0, left: 0, height: 150, width: 120 })
  })

  it('takes the widest branch where a 1×1 and a 5×5 branch are concatenated', () => {
    const graph: NetworkNode[] = [
      input,
      { name: 'branch1x1', op: 'conv', kernel: 1, stride: 1, padding: 'same', inputs: ['input'], channels: 4 },
      { name: 'branch5x5', op: 'conv', kernel: 5, stride: 1, padding: 'same', inputs: ['input'], channels: 4 },
      { name: 'mixed', op: 'concat', kernel: 1, stride: 1, padding: 'valid', inputs: ['branch1x1', 'branch5x5'], channels: 8 },
      { name: 'after', op: 'conv', kernel: 3, stride: 2, padding: 'same', inputs: ['mixed'], channels: 8 }
    ]
    const fields = receptiveFields(graph)
    expect(fields.get('branch1x1')).toMatchObject({ height: 1, width: 1, stride: 1, top: 0, left: 0 })
    expect(fields.get('mixed')).toMatchObject({ height: 5, width: 5, stride: 1, top: -2, left: -2 })
    expect(fields.get('after')).toMatchObject({ height: 7, width: 7, stride: 2, top: -2, left: -2 })
  })

  it("grows height and width apart through InceptionV3's 1×7 and 7×1 kernels", () => {
    const fields = receptiveFields(inceptionLike)
    // 'same' with k = 3, s = 2 pads max(3 − 2, 0) = 1 pixel in all, after the input: none before.
    expect(fields.get('stem')).toMatchObject({ height: 3, width: 3, stride: 2, top: 0, left: 0 })
    expect(fields.get('conv_1x7')).toMatchObject({ height: 3, width: 15, stride: 2, top: 0, left: -6 })
    expect(fields.get('conv_7x1')).toMatchObject({ height: 15, width: 15, stride: 2, top: -6, left: -6 })
  })

  it('shifts the field by an explicit zero padding, as MobileNetV2 pads before a strided conv', () => {
    const graph = chain(
      { name: 'pad', op: 'elementwise', kernel: 1, stride: 1, padding: 1, channels: 3 },
      { name: 'conv', op: 'conv', kernel: 3, stride: 2, padding: 'valid', channels: 8 },
      { name: 'relu', op: 'elementwise', kernel: 1, stride: 1, padding: 'valid', channels: 8 }
    )
    const fields = receptiveFields(graph)
    expect(fields.get('pad')).toMatchObject({ height: 1, stride: 1, top: -1, left: -1 })
    expect(fields.get('relu')).toMatchObject({ height: 3, width: 3, stride: 2, top: -1, left: -1 })
  })

  it('refuses branches that meet at different strides, and unknown inputs', () => {
    const graph: NetworkNode[] = [
      input,
      { name: 'fine', op: 'conv', kernel: 3, stride: 1, padding: 'same', inputs: ['input'], channels: 4 },
      { name: 'coarse', op: 'conv', kernel: 3, stride: 2, padding: 'same', inputs: ['input'], channels: 4 },
      { name: 'sum', op: 'add', kernel: 1, stride: 1, padding: 'valid', inputs: ['fine', 'coarse'], channels: 4 }
    ]
    expect(() => receptiveFields(graph)).toThrow(LikenessError)
    expect(() => receptiveFields([input, { ...graph[1], inputs: ['nowhere'] }])).toThrow(LikenessError)
    expect(() => receptiveFieldOf(vggLike, 'conv9_9')).toThrow(LikenessError)
  })

  it('clips patch boxes at the image borders', () => {
    const field = receptiveFieldOf(vggLike, 'pool2')
    expect(patchBox(field, 0, 0, 32, 40)).toEqual({ top: 0, left: 0, height: 10, width: 10 })
    expect(patchBox(field, 3, 5, 32, 40)).toEqual({ top: 6, left: 14, height: 16, width: 16 })
    expect(patchBox(field, 7, 9, 32, 40)).toEqual({ top: 22, left: 30, height: 10, width: 10 })
  })
})

describe('receptive fields against the engine', () => {
  beforeAll(async () => {
    await initBackend('wasm')
  })

  /**
   * The pixels a unit depends on are where the gradient of that unit with respect to the input
   * is non-zero. Positive weights and average pools keep every path alive, so the support of the
   * gradient is the whole field, clipped at the borders.
   */
  function gradientSupport(forward: (x: tf.Tensor4D) => tf.Tensor4D, size: number, y: number, x: number): number[] {
    const grad = tf.tidy(() => {
      const image = tf.ones([1, size, size, 1])
      const unit = (input: tf.Tensor): tf.Tensor => forward(input as tf.Tensor4D).slice([0, y, x, 0], [1, 1, 1, 1]).sum()
      return tf.grad(unit)(image).squeeze().abs()
    })
    const values = grad.arraySync() as number[][]
    grad.dispose()
    const rows = values.map((row) => row.some((v) => v > 0))
    const columns = values[0].map((_, j) => values.some((row) => row[j] > 0))
    const top = rows.indexOf(true)
    const left = columns.indexOf(true)
    const bottom = rows.lastIndexOf(true)
    const right = columns.lastIndexOf(true)
    return [top, left, bottom - top + 1, right - left + 1]
  }

  it('matches the pixels a VGG-like unit really depends on', () => {
    const kernel = tf.ones([3, 3, 1, 1]) as tf.Tensor4D
    const stack = (x: tf.Tensor4D): tf.Tensor4D => {
      let out = x
      for (const block of [2, 2, 4]) {
        for (let i = 0; i < block; i++) out = tf.conv2d(out, kernel, 1, 'same')
        out = tf.avgPool(out, 2, 2, 'same')
      }
      return out
    }
    const field = receptiveFieldOf(vggLike, 'pool3')
    for (const [y, x] of [[0, 0], [2, 1], [3, 3]]) {
      const box = patchBox(field, y, x, 32, 32)
      expect(gradientSupport(stack, 32, y, x)).toEqual([box.top, box.left, box.height, box.width])
    }
    kernel.dispose()
  })

  it('matches the pixels a unit behind a 1×7 kernel really depends on', () => {
    const k3 = tf.ones([3, 3, 1, 1]) as tf.Tensor4D
    const k1x7 = tf.ones([1, 7, 1, 1]) as tf.Tensor4D
    const factorised = (x: tf.Tensor4D): tf.Tensor4D => tf.conv2d(tf.conv2d(x, k3, 2, 'same'), k1x7, 1, 'same')
    const field = receptiveFieldOf(inceptionLike, 'conv_1x7')
    for (const [y, x] of [[0, 0], [5, 7], [15, 15]]) {
      const box = patchBox(field, y, x, 32, 32)
      expect(gradientSupport(factorised, 32, y, x)).toEqual([box.top, box.left, box.height, box.width])
    }
    tf.dispose([k3, k1x7])
  })

  it('matches the pixels a face-stem unit really depends on', () => {
    const k7 = tf.ones([7, 7, 1, 1]) as tf.Tensor4D
    const k3 = tf.ones([3, 3, 1, 1]) as tf.Tensor4D
    const stem = (x: tf.Tensor4D): tf.Tensor4D => {
      const pooled = tf.avgPool(tf.conv2d(x, k7, 2, 'valid'), 3, 2, 'valid')
      const block = tf.add(tf.conv2d(tf.conv2d(pooled, k3, 1, 'same'), k3, 1, 'same'), pooled) as tf.Tensor4D
      return tf.add(tf.conv2d(tf.conv2d(block, k3, 2, 'valid'), k3, 1, 'same'), tf.avgPool(block, 2, 2, 'valid')) as tf.Tensor4D
    }
    // 67 → 31 → 15 → 15 → 7: sizes where the down block's two branches agree without face-api's extra padding.
    const field = receptiveFieldOf(faceStem, 'conv64_down')
    for (const [y, x] of [[0, 0], [3, 2], [6, 6]]) {
      const box = patchBox(field, y, x, 67, 67)
      expect(gradientSupport(stem, 67, y, x)).toEqual([box.top, box.left, box.height, box.width])
    }
    k7.dispose()
    k3.dispose()
  })
})
