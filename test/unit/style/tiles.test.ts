import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { blendTiles, cutTile, halves, tileGrid } from '../../../src/main/style/tiles'

beforeAll(async () => {
  await initBackend('wasm')
})

describe('tileGrid', () => {
  it('covers every pixel with tiles no larger than asked, neighbours overlapping by at least the overlap', () => {
    for (const [width, height, side, overlap] of [
      [2048, 1536, 608, 64],
      [1000, 333, 300, 40],
      [513, 512, 512, 64]
    ]) {
      const tiles = tileGrid(width, height, side, overlap)
      const covered = new Uint8Array(width * height)
      for (const t of tiles) {
        expect(t.width).toBeLessThanOrEqual(side)
        expect(t.height).toBeLessThanOrEqual(side)
        expect(t.x + t.width).toBeLessThanOrEqual(width)
        expect(t.y + t.height).toBeLessThanOrEqual(height)
        for (let y = t.y; y < t.y + t.height; y++) covered.fill(1, y * width + t.x, y * width + t.x + t.width)
      }
      expect(covered.every((c) => c === 1)).toBe(true)
      const columns = [...new Set(tiles.map((t) => t.x))].sort((a, b) => a - b)
      const first = tiles.find((t) => t.x === columns[0])!
      for (let i = 1; i < columns.length; i++) expect(columns[i - 1] + first.width - columns[i]).toBeGreaterThanOrEqual(overlap)
    }
  })

  it('gives one tile when the picture fits', () => {
    expect(tileGrid(500, 400, 512, 64)).toEqual([{ x: 0, y: 0, width: 500, height: 400 }])
  })
})

describe('halves', () => {
  it('cuts across the longer side into two tiles that cover the picture and overlap by the overlap', () => {
    expect(halves(512, 384, 64)).toEqual([
      { x: 0, y: 0, width: 288, height: 384 },
      { x: 224, y: 0, width: 288, height: 384 }
    ])
    const [top, bottom] = halves(255, 301, 64)
    expect([top.width, bottom.width, top.y, top.height + bottom.height - 301]).toEqual([255, 255, 0, 64 + 1])
    expect(bottom.y + bottom.height).toBe(301)
  })
})

describe('blendTiles', () => {
  it('puts a picture cut into tiles back together exactly', () => {
    const picture = tf.randomUniform([1, 300, 420, 3], 0, 1, 'float32', 4) as tf.Tensor4D
    const tiles = tileGrid(420, 300, 160, 48)
    const cuts = tiles.map((tile) => ({ tile, image: cutTile(picture, tile) }))
    const blended = blendTiles(420, 300, cuts)
    expect(tf.tidy(() => blended.sub(picture).abs().max().dataSync()[0])).toBeLessThan(1e-5)
    tf.dispose([picture, blended, ...cuts.map((c) => c.image)])
  })

  it('ramps from one tile to its neighbour across their overlap, with no step', () => {
    const tiles = tileGrid(200, 20, 120, 40)
    expect(tiles).toHaveLength(2)
    const images = tiles.map((tile, i) => ({ tile, image: tf.fill([1, tile.height, tile.width, 3], i) as tf.Tensor4D }))
    const blended = blendTiles(200, 20, images)
    const row = Array.from(tf.tidy(() => blended.slice([0, 10, 0, 0], [1, 1, 200, 1]).reshape([200]).dataSync()))
    const overlapStart = tiles[1].x
    const overlapEnd = tiles[0].x + tiles[0].width
    expect(row.slice(0, overlapStart).every((v) => v === 0)).toBe(true)
    expect(row.slice(overlapEnd).every((v) => v === 1)).toBe(true)
    const steps = row.slice(1).map((v, i) => v - row[i])
    expect(Math.min(...steps)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...steps)).toBeLessThan(2 / (overlapEnd - overlapStart))
    tf.dispose([blended, ...images.map((i) => i.image)])
  })
})
