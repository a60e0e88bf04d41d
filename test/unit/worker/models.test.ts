import { afterAll, describe, expect, it } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { EnginePool } from '../../../src/main/worker/pool'
import { defaultStyleSettings } from '../../../src/main/style/settings'
import { isInstalled, modelIds, requireInstalled } from '../../../src/main/models/registry'
import { decodeImage } from '../../../src/main/image/decode'
import { fitWithin } from '../../../src/main/image/crop'

// Real networks from node_modules on a real worker thread: face-api's demo photo, nsfwjs's networks.
const workerScript = path.resolve('out/main/worker.js')
const requireHere = createRequire(import.meta.url)
const demo = path.join(path.dirname(requireHere.resolve('@vladmandic/face-api/package.json')), 'demo', 'sample2.jpg')

describe('the model registry', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'likeness-registry-'))

  it('finds every shipped network in node_modules, and names the one that must be downloaded', () => {
    const shipped = modelIds.filter((id) => id !== 'vgg19')
    expect(shipped.every((id) => isInstalled(id, { dataDir }))).toBe(true)
    expect(isInstalled('vgg19', { dataDir })).toBe(false)
    expect(() => requireInstalled('vgg19', { dataDir })).toThrow(expect.objectContaining({ kind: 'ModelUnavailable', message: expect.stringContaining('download it') }))
  })
})

describe('a worker loads each network once, whatever uses it', () => {
  // One interactive and one batch worker: everything below on the batch lane runs on worker 1.
  const pool = new EnginePool({ workerScript, dataDir: mkdtempSync(path.join(os.tmpdir(), 'likeness-loads-')), size: 2, backend: 'wasm' })
  afterAll(async () => pool.close())

  it('a style run, an explorer scan, a face analysis and a training sample share InceptionV3 and the face encoder', async () => {
    const photo = new Uint8Array(await readFile(demo))
    const settings = { ...defaultStyleSettings('inception'), size: 96, iterations: 2, multiScale: false, minSide: 96 }
    await pool.run('style.stylize', { network: 'inception', content: photo, styles: [{ image: photo, weight: 1 }], settings }, { lane: 'batch' })
    await pool.run('explore.scan', { network: 'inception', layer: 'mixed2', images: [photo], firstImageIndex: 0 }, { lane: 'batch' })
    await pool.run('explore.scan', { network: 'face', layer: 'conv64_1', images: [photo], firstImageIndex: 0 }, { lane: 'batch' })
    await pool.run('face.analyze', { image: photo, detector: 'ssd' }, { lane: 'batch' })
    await pool.run('train.sample', { image: photo, detector: 'ssd' }, { lane: 'batch' })
    const [interactive, batch] = await pool.broadcast('engine.status', {})
    expect(batch!.loads).toEqual({ inception: 1, encoder: 1, ssd: 1, tiny: 1, landmarks68: 1, blazeFace: 1, faceMesh: 1 })
    // Nothing was asked of the interactive worker, so it loaded nothing.
    expect(interactive!.loads).toEqual({})
  })

  it('live frames load the live networks once on the interactive worker, beside the face models they share', async () => {
    const { image } = await decodeImage(new Uint8Array(await readFile(demo)))
    const frame = await fitWithin(image, 640)
    const plan = { detect: true, follow: [] }
    const first = await pool.run('face.live', { frame, plan }, { lane: 'interactive' })
    expect(first.faces.length).toBeGreaterThan(0)
    await pool.run('face.live', { frame, plan }, { lane: 'interactive' })
    const [interactive] = await pool.broadcast('engine.status', {})
    expect(interactive!.loads).toEqual({ ssd: 1, tiny: 1, landmarks68: 1, encoder: 1, blazeFace: 1, faceMesh: 1, iris: 1, antispoof: 1, liveness: 1 })
  })

  it('answers a missing download with the one ModelUnavailable error, and loads it when asked again later', async () => {
    const photo = new Uint8Array(await readFile(demo))
    await expect(pool.run('explore.layers', { network: 'vgg19', inputSize: 224 }, { lane: 'batch' })).rejects.toMatchObject({
      kind: 'ModelUnavailable',
      message: 'VGG19 is not installed: download it or import its weights file first.'
    })
    await expect(pool.run('explore.scan', { network: 'vgg19', layer: 'block1_conv1', images: [photo], firstImageIndex: 0 }, { lane: 'batch' })).rejects.toMatchObject({
      kind: 'ModelUnavailable'
    })
    const [, batch] = await pool.broadcast('engine.status', {})
    expect(batch!.loads.vgg19).toBeUndefined()
  })
})
