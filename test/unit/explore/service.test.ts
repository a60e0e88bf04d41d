import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { copyFile, mkdir, mkdtemp, readdir, readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { Service } from '../../../src/main/service'
import { awaitJob, type JobInfo } from '../../../src/shared/jobs'
import type { ScanSummary } from '../../../src/shared/api/explore'
import { keysOf } from '../../support/keys'

// The engine worker runs from its bundle: build with `npx electron-vite build` first.
const workerScript = path.resolve('out/main/worker.js')
const requireHere = createRequire(import.meta.url)
const demoDir = path.join(path.dirname(requireHere.resolve('@vladmandic/face-api/package.json')), 'demo')
const pngSignature = [0x89, 0x50, 0x4e, 0x47]
// MobileNetV2's first conv: the cheapest real layer to scan on two cores.
const layer = 'Conv1_relu'

let service: Service
let dataDir: string

/** A scan job's summary, or its error thrown. */
async function finished(job: JobInfo<ScanSummary>): Promise<ScanSummary> {
  return awaitJob(service.jobFeed, job)
}

async function scanFolder(folder: string): Promise<ScanSummary> {
  return finished(await service.call('explore.scan', { network: 'mobilenet', layer, images: { kind: 'folder', path: folder } }))
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'likeness-explore-'))
  service = await Service.open({ dataDir, keys: keysOf(dataDir), workerScript, host: 'cli', backend: 'wasm' })
})
afterAll(async () => service.close())

describe('explore service', () => {
  it('lists the face encoder layers with engine shapes and receptive fields', async () => {
    const table = await service.call('explore.layers', { network: 'face' })
    expect(table.inputSize).toBe(150)
    expect(table.layers.map((l) => l.name).slice(0, 3)).toEqual(['conv32_down', 'pool', 'conv32_1'])
    // 150 → ⌊(150 − 7) / 2⌋ + 1 = 72 → ⌊(72 − 3) / 2⌋ + 1 = 35; r = 7, then 7 + 2·2 = 11
    expect(table.layers[0]).toMatchObject({ outputShape: [72, 72, 32], receptiveField: { height: 7, width: 7, stride: 2 } })
    expect(table.layers[1]).toMatchObject({ outputShape: [35, 35, 32], receptiveField: { height: 11, stride: 4 } })
    expect(table.layers.at(-1)!.outputShape[2]).toBe(256)
  })

  it('scans the shipped photos, pages unit grids, and shows a source image', async () => {
    const summary = await finished(await service.call('explore.scan', { network: 'mobilenet', layer, images: { kind: 'samples' } }))
    expect(summary).toMatchObject({ layer, units: 32, images: 6, patchesPerUnit: 9, cached: false })
    const page = await service.call('explore.units', { scanId: summary.scanId, first: 30, count: 8 })
    expect(page.totalUnits).toBe(32)
    expect(page.tiles.map((tile) => tile.unit)).toEqual([30, 31])
    for (const tile of page.tiles) {
      expect([...tile.png.subarray(0, 4)]).toEqual(pngSignature)
      // Six images, each counted once per unit (Zeiler & Fergus), strongest first.
      expect(tile.patches).toHaveLength(6)
      const activations = tile.patches.map((patch) => patch.activation)
      expect(activations).toEqual([...activations].sort((a, b) => b - a))
      expect(tile.patches.every((patch) => /^sample\d\.jpg$/.test(patch.imageName))).toBe(true)
    }
    const patch = page.tiles[0].patches[0]
    const source = await service.call('explore.source', { scanId: summary.scanId, imageIndex: patch.imageIndex })
    expect(Math.min(source.width, source.height)).toBe(224)
    expect(patch.box.left + patch.box.width).toBeLessThanOrEqual(source.width)
    expect(patch.box.top + patch.box.height).toBeLessThanOrEqual(source.height)
    const maps = await service.call('explore.featureMaps', { network: 'mobilenet', layer, image: { kind: 'scanned', scanId: summary.scanId, imageIndex: 0 } })
    expect(maps.channels).toHaveLength(32)
    expect([...maps.png.subarray(0, 4)]).toEqual(pngSignature)
  })

  it('reuses a scan while its folder is unchanged and replaces it when an image is added', async () => {
    const folder = path.join(dataDir, 'set')
    await mkdir(folder)
    for (const n of [1, 2]) await copyFile(path.join(demoDir, `sample${n}.jpg`), path.join(folder, `sample${n}.jpg`))
    const first = await scanFolder(folder)
    expect(first).toMatchObject({ cached: false, images: 2 })
    const again = await scanFolder(folder)
    expect(again).toMatchObject({ cached: true, scanId: first.scanId })

    await copyFile(path.join(demoDir, 'sample3.jpg'), path.join(folder, 'sample3.jpg'))
    const changed = await scanFolder(folder)
    expect(changed).toMatchObject({ cached: false, images: 3 })
    expect(changed.scanId).not.toBe(first.scanId)
    const stored = await readdir(path.join(dataDir, 'explore'))
    expect(stored).toContain(`${changed.scanId}.json`)
    expect(stored).not.toContain(`${first.scanId}.json`)
    expect(await service.handle('explore.units', { scanId: first.scanId, first: 0, count: 1 })).toMatchObject({ ok: false, error: { kind: 'NotFound' } })
  })

  it("scans the gallery's photos, and wiping the gallery takes its scans (names and photo references) with it", async () => {
    const photo = new Uint8Array(await readFile(path.join(demoDir, 'sample1.jpg')))
    await service.call('face.enroll', { name: 'Ada', images: [photo], faceIndex: 0 })
    const scan = await finished(await service.call('explore.scan', { network: 'mobilenet', layer, images: { kind: 'gallery' } }))
    expect(scan).toMatchObject({ images: 1, cached: false })
    const page = await service.call('explore.units', { scanId: scan.scanId, first: 0, count: 1 })
    expect(page.tiles[0]!.patches[0]!.imageName).toMatch(/^Ada/)
    expect(await readdir(path.join(dataDir, 'explore'))).toContain(`${scan.scanId}.json`)

    await service.call('face.wipe', { confirm: true })
    expect(await readdir(path.join(dataDir, 'explore'))).not.toContain(`${scan.scanId}.json`)
    expect(await service.handle('explore.units', { scanId: scan.scanId, first: 0, count: 1 })).toMatchObject({ ok: false, error: { kind: 'NotFound' } })
  })

  it('answers bad requests with typed errors', async () => {
    const scan = (request: unknown): ReturnType<Service['handle']> => service.handle('explore.scan', request)
    expect(await scan({ network: 'alexnet', images: { kind: 'samples' } })).toMatchObject({ ok: false, error: { kind: 'BadRequest' } })
    expect(await scan({ network: 'mobilenet', layer: 'no_such_layer', images: { kind: 'samples' } })).toMatchObject({ ok: false, error: { kind: 'NotFound' } })
    expect(await scan({ network: 'mobilenet', layer, images: { kind: 'folder', path: path.join(dataDir, 'missing') } })).toMatchObject({ ok: false, error: { kind: 'NotFound' } })
    expect(await service.handle('explore.layers', { network: 'vgg19' })).toMatchObject({ ok: false, error: { kind: 'ModelUnavailable' } })
    expect(await service.handle('explore.convShapes', { dimensions: 2, input: [4, 4, 3], layers: [{ filters: 2, kernel: 5 }] })).toMatchObject({
      ok: false,
      error: { kind: 'BadRequest' }
    })
  })

  it("runs the seed's 3D stack on the engine", async () => {
    const shapes = await service.call('explore.convShapes', { dimensions: 3, input: [14, 14, 14, 1], layers: [{ filters: 16, kernel: 5 }, { filters: 32, kernel: 5 }] })
    expect(shapes.map((s) => s.outputShape)).toEqual([[10, 10, 10, 16], [6, 6, 6, 32]])
    expect(shapes.map((s) => s.parameters.total)).toEqual([5 * 5 * 5 * 16 + 16, 5 * 5 * 5 * 16 * 32 + 32])
  })
})
