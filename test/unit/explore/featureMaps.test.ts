import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { featureMapGrid, featureMaps } from '../../../src/main/explore/featureMaps'
import { cellOrigin } from '../../../src/main/explore/grid'
import type { RgbImage } from '../../../src/main/image/decode'
import { sampleImages, tinyNetwork } from './fixtures'

beforeAll(async () => {
  await initBackend('wasm')
})

function pixel(image: RgbImage, y: number, x: number): number[] {
  const at = (y * image.width + x) * 3
  return [...image.data.subarray(at, at + 3)]
}

describe('feature maps', () => {
  it('colours each channel over its own range, strongest channel first', async () => {
    // Channel 0 rises 0 … 19 across a 4 × 5 map (mean 9.5), channel 1 is flat at 12, channel 2 falls −1 … −20.
    const values = Array.from({ length: 20 }, (_, i) => [i, 12, -i - 1]).flat()
    const activations = tf.tensor3d(values, [4, 5, 3])
    const grid = await featureMapGrid(activations, { gap: 1 })
    activations.dispose()
    expect(grid.channels).toEqual([1, 0, 2])
    expect(grid.ranges).toEqual([{ min: 0, max: 19 }, { min: 12, max: 12 }, { min: -20, max: -1 }])
    // Small maps are enlarged by whole pixels to at least 32: 5 × 7 = 35 wide, 4 × 7 = 28 high.
    expect(grid.layout).toEqual({ columns: 2, rows: 2, cellWidth: 35, cellHeight: 28, gap: 1 })
    expect([grid.image.width, grid.image.height]).toEqual([1 + 2 * 36, 1 + 2 * 29])
    const violet = [68, 1, 84]
    const yellow = [253, 231, 37]
    const flat = cellOrigin(grid.layout, 0)
    expect(pixel(grid.image, flat.top + 13, flat.left + 20)).toEqual(violet)
    const rising = cellOrigin(grid.layout, 1)
    expect(pixel(grid.image, rising.top, rising.left)).toEqual(violet)
    expect(pixel(grid.image, rising.top + 27, rising.left + 34)).toEqual(yellow)
    const negated = cellOrigin(grid.layout, 2)
    expect(pixel(grid.image, negated.top, negated.left)).toEqual(yellow)
    const empty = cellOrigin(grid.layout, 3)
    expect(pixel(grid.image, empty.top, empty.left)).toEqual([255, 255, 255])
  })

  it('keeps channel order on request', async () => {
    const activations = tf.tensor3d([1, 5, 2, 6], [1, 2, 2])
    const grid = await featureMapGrid(activations, { order: 'index', scale: 1 })
    activations.dispose()
    expect(grid.channels).toEqual([0, 1])
    expect(grid.layout.cellWidth).toBe(2)
  })

  it('draws every channel of a real layer for a photo', async () => {
    const [image] = await sampleImages()
    const network = tinyNetwork()
    const before = tf.memory().numTensors
    const grid = await featureMaps(network, image, 'pool1')
    expect(tf.memory().numTensors).toBe(before)
    await expect(featureMaps(network, image, 'conv9')).rejects.toMatchObject({ kind: 'NotFound' })
    network.dispose()
    expect([...grid.channels].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    expect([grid.mapHeight, grid.mapWidth]).toEqual([20, 20])
    expect(grid.layout).toMatchObject({ columns: 3, rows: 3, cellWidth: 40, cellHeight: 40 })
    for (const range of grid.ranges) expect(range.min).toBeGreaterThanOrEqual(0)
  })
})
