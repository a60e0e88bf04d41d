import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { convStackShapes, seedStacks } from '../../../src/main/explore/convLab'

beforeAll(async () => {
  await initBackend('wasm')
})

describe('convolution lab shapes', () => {
  it('gives the seed’s 2D example: 14×14×3 → 10×10×16 → 6×6×32', () => {
    expect(convStackShapes(seedStacks.conv2d)).toEqual([
      { inputShape: [14, 14, 3], filterShape: [5, 5, 3, 16], outputShape: [10, 10, 16], parameters: { weights: 1200, biases: 16, total: 1216 } },
      { inputShape: [10, 10, 16], filterShape: [5, 5, 16, 32], outputShape: [6, 6, 32], parameters: { weights: 12800, biases: 32, total: 12832 } }
    ])
  })

  it('gives the seed’s 1D example: 14×1 → 10×16 → 6×32', () => {
    expect(convStackShapes(seedStacks.conv1d)).toEqual([
      { inputShape: [14, 1], filterShape: [5, 1, 16], outputShape: [10, 16], parameters: { weights: 80, biases: 16, total: 96 } },
      { inputShape: [10, 16], filterShape: [5, 16, 32], outputShape: [6, 32], parameters: { weights: 2560, biases: 32, total: 2592 } }
    ])
  })

  it('gives the seed’s 3D example: 14×14×14×1 → 10×10×10×16 → 6×6×6×32', () => {
    expect(convStackShapes(seedStacks.conv3d)).toEqual([
      { inputShape: [14, 14, 14, 1], filterShape: [5, 5, 5, 1, 16], outputShape: [10, 10, 10, 16], parameters: { weights: 2000, biases: 16, total: 2016 } },
      { inputShape: [10, 10, 10, 16], filterShape: [5, 5, 5, 16, 32], outputShape: [6, 6, 6, 32], parameters: { weights: 64000, biases: 32, total: 64032 } }
    ])
  })

  it('follows edits to stride and padding', () => {
    const input = [14, 14, 3]
    const out = (stride: number, padding: 'valid' | 'same'): number[] =>
      convStackShapes({ dimensions: 2, input, layers: [{ filters: 8, kernel: 5, stride, padding }] })[0].outputShape
    expect(out(1, 'same')).toEqual([14, 14, 8])
    expect(out(2, 'same')).toEqual([7, 7, 8])
    expect(out(2, 'valid')).toEqual([5, 5, 8])
    const oneD = convStackShapes({ dimensions: 1, input: [15, 2], layers: [{ filters: 4, kernel: 3, stride: 2, padding: 'same' }] })
    expect(oneD[0].outputShape).toEqual([8, 4])
  })

  it('refuses stacks that cannot run', () => {
    expect(() => convStackShapes({ dimensions: 2, input: [4, 4, 1], layers: [{ filters: 1, kernel: 5 }] })).toThrow(
      expect.objectContaining({ kind: 'BadRequest' })
    )
    expect(() => convStackShapes({ dimensions: 2, input: [14, 3], layers: [] })).toThrow(expect.objectContaining({ kind: 'BadRequest' }))
    expect(() => convStackShapes({ dimensions: 2, input: [14, 14, 3], layers: [{ filters: 0.5, kernel: 3 }] })).toThrow(
      expect.objectContaining({ kind: 'BadRequest' })
    )
    expect(() => convStackShapes({ dimensions: 3, input: [512, 512, 512, 3], layers: [] })).toThrow(
      expect.objectContaining({ kind: 'TooBigForBackend' })
    )
  })
})
