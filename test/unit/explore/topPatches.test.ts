import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import type { FeatureNetwork } from '../../../src/main/engine/network'
import type { RgbImage } from '../../../src/main/image/decode'
import { cutPatch, fitIntoTile, unitGrid } from '../../../src/main/explore/patchGrid'
import { patchBox, receptiveFieldOf } from '../../../src/main/explore/receptiveField'
import { mergeScans, scanImages, type UnitHit } from '../../../src/main/explore/topPatches'
import { cellOrigin } from '../../../src/main/explore/grid'
import { loadShipped } from '../../support/models'
import { sampleImages, tinyNetwork } from './fixtures'

let images: RgbImage[]
let network: FeatureNetwork & { dispose(): void }
const layer = 'conv2'

beforeAll(async () => {
  await initBackend('wasm')
  images = await sampleImages()
  network = tinyNetwork()
})
afterAll(() => network.dispose())

/** Every activation of every image, then per unit each image's maximum, sorted: no streaming, no engine reductions. */
function bruteForceTop(network: FeatureNetwork, layer: string, perUnit: number): { hits: UnitHit[][]; maps: number[][][][] } {
  const maps = images.map((image) => {
    const out = tf.tidy(() => {
      const batch = tf.tensor4d(image.data, [1, image.height, image.width, 3], 'int32').toFloat().div(255) as tf.Tensor4D
      return network.forward(batch, [layer])[layer].squeeze([0])
    })
    const values = out.arraySync() as number[][][]
    out.dispose()
    return values
  })
  const channels = maps[0][0][0].length
  const hits = Array.from({ length: channels }, (_, unit) => {
    const perImage = maps.map((map, imageIndex) => {
      let best: UnitHit = { imageIndex, y: 0, x: 0, value: -Infinity }
      map.forEach((row, y) => row.forEach((cell, x) => {
        if (cell[unit] > best.value) best = { imageIndex, y, x, value: cell[unit] }
      }))
      return best
    })
    return perImage.sort((a, b) => b.value - a.value || a.imageIndex - b.imageIndex).slice(0, perUnit)
  })
  return { hits, maps }
}

describe('top patches', () => {
  it('keeps exactly the nine highest activations of every unit, one per image', async () => {
    const before = tf.memory().numTensors
    const scan = await scanImages(network, layer, images)
    expect(tf.memory().numTensors).toBe(before)
    const { hits, maps } = bruteForceTop(network, layer, 9)
    expect(scan.images).toBe(12)
    expect(scan.units).toHaveLength(6)
    scan.units.forEach((unitHits, unit) => {
      expect(unitHits.map((hit) => [hit.imageIndex, hit.value])).toEqual(hits[unit].map((hit) => [hit.imageIndex, hit.value]))
      // The reported position holds the maximum (with ties any maximal position is a true arg-max).
      for (const hit of unitHits) expect(maps[hit.imageIndex][hit.y][hit.x][unit]).toBe(hit.value)
      expect(new Set(unitHits.map((hit) => hit.imageIndex)).size).toBe(9)
    })
  })

  it('merges scans of disjoint parts into the scan of the whole, in either order', async () => {
    const whole = await scanImages(network, layer, images)
    const first = await scanImages(network, layer, images.slice(0, 5))
    const rest = await scanImages(network, layer, images.slice(5), { firstImageIndex: 5 })
    expect(mergeScans(first, rest)).toEqual(whole)
    expect(mergeScans(rest, first)).toEqual(whole)
    expect(() => mergeScans(first, first)).toThrow(expect.objectContaining({ kind: 'BadRequest' }))
  })

  it('reports progress and stops when cancelled', async () => {
    const progress: number[] = []
    await scanImages(network, layer, images.slice(0, 3), { onImage: (done) => progress.push(done) })
    expect(progress).toEqual([1, 2, 3])
    const controller = new AbortController()
    const cancelled = scanImages(network, layer, images, { signal: controller.signal, onImage: () => controller.abort() })
    await expect(cancelled).rejects.toMatchObject({ kind: 'Cancelled' })
    await expect(scanImages(network, 'conv9', images)).rejects.toMatchObject({ kind: 'NotFound' })
  })

  it('cuts each patch from its receptive field and lays the nine out 3×3', async () => {
    const scan = await scanImages(network, layer, images)
    const field = receptiveFieldOf(network.nodes, layer)
    expect(field).toMatchObject({ height: 8, width: 8, stride: 2, top: -3, left: -3 })
    // Tiles the size of the field: an unclipped patch is copied unscaled, so its pixels can be compared.
    let unclipped = 0
    scan.units.forEach((hits, unit) => {
      const grid = unitGrid(scan, unit, field, (index) => images[index], { tile: field.height, gap: 2 })
      expect(grid.image.width).toBe(2 + 3 * (8 + 2))
      expect(grid.image.height).toBe(2 + 3 * (8 + 2))
      expect(grid.patches.map((patch) => patch.hit)).toEqual(hits)
      grid.patches.forEach(({ hit, box }, index) => {
        const source = images[hit.imageIndex]
        expect(box).toEqual(patchBox(field, hit.y, hit.x, source.height, source.width))
        if (box.width !== field.width || box.height !== field.height) return
        unclipped++
        const { top, left } = cellOrigin(grid.layout, index)
        const tile = cutPatch(grid.image, { top, left, width: field.width, height: field.height })
        expect(tile.data).toEqual(cutPatch(source, box).data)
      })
    })
    expect(unclipped).toBeGreaterThan(0)
  })

  it('shrinks a large clipped patch into its tile keeping its shape', () => {
    const source = images[0]
    const patch = cutPatch(source, { top: 4, left: 2, width: 32, height: 16 })
    const tile = fitIntoTile(patch, 8)
    const rows = Array.from({ length: 8 }, (_, y) => cutPatch(tile, { top: y, left: 0, width: 8, height: 1 }).data)
    const grey = (row: Uint8Array): boolean => row.every((v) => v === 96)
    // 32 × 16 becomes 8 × 4, centred: two letterbox rows above and below.
    expect(rows.map(grey)).toEqual([true, true, false, false, false, false, true, true])
  })

  it('agrees with a brute-force scan on MobileNetV2, whose receptive fields reach past the photos', async () => {
    const mobilenet = await loadShipped('mobilenet')
    try {
      const tap = 'block_3_expand_relu'
      const scan = await scanImages(mobilenet, tap, images)
      const { hits } = bruteForceTop(mobilenet, tap, 9)
      expect(scan.units.map((unit) => unit.map((hit) => [hit.imageIndex, hit.value]))).toEqual(
        hits.map((unit) => unit.map((hit) => [hit.imageIndex, hit.value]))
      )
      const field = receptiveFieldOf(mobilenet.nodes, tap)
      const grid = unitGrid(scan, 0, field, (index) => images[index])
      expect(grid.patches).toHaveLength(9)
      for (const { hit, box } of grid.patches) {
        expect(box).toEqual(patchBox(field, hit.y, hit.x, images[hit.imageIndex].height, images[hit.imageIndex].width))
      }
    } finally {
      mobilenet.dispose()
    }
  })
})
