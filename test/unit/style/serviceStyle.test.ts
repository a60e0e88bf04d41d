import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { existsSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import sharp from 'sharp'
import os from 'node:os'
import path from 'node:path'
import { Service } from '../../../src/main/service'
import type { RequestOf } from '../../../src/shared/contract'
import { encodePng } from '../../../src/main/image/encode'
import { followJob as follow } from '../../support/jobs'
import { lbfgsShiftEvery, styleThumbnailSide, type StyleOptions } from '../../../src/shared/api/style'
import { testPainting } from './helpers/images'
import { keysOf } from '../../support/keys'

// The engine worker runs from its bundle: build with `npx electron-vite build` first.
const workerScript = path.resolve('out/main/worker.js')
const pngSignature = [0x89, 0x50, 0x4e, 0x47]
// Small and single-scale so that a run takes seconds on a shared two-core machine.
const quick: Partial<StyleOptions> = { size: 64, multiScale: false, previewEvery: 2, padding: 8 }

describe('style studio through the Service', () => {
  let service: Service
  let photo: Uint8Array
  let painting: Uint8Array
  let dataDir: string

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'likeness-style-'))
    service = await Service.open({ dataDir, keys: keysOf(dataDir), workerScript, host: 'cli', backend: 'wasm', workers: 2 })
    photo = new Uint8Array(readFileSync('node_modules/@vladmandic/face-api/demo/sample1.jpg'))
    painting = await encodePng(testPainting(96, 96))
  })
  afterAll(async () => service.close())

  it('lists the bundled networks as available, VGG19 as a download, with the palette step and the 1/f basis by default', async () => {
    const networks = await service.call('style.networks', {})
    expect(networks.map((n) => [n.id, n.available, n.bundled])).toEqual([
      ['inception', true, true],
      ['mobilenet', true, true],
      ['vgg19', false, false]
    ])
    expect(networks.find((n) => n.id === 'inception')!.defaults).toMatchObject({ statistics: 'gram', contentLayer: 'mixed3', size: 512 })
    expect(networks.find((n) => n.id === 'mobilenet')!.defaults.statistics).toBe('swag')
    for (const n of networks) expect(n.defaults).toMatchObject({ paletteMatch: 'histogram', parameterisation: 'fourier' })
    expect(networks.find((n) => n.id === 'vgg19')!.defaults.statistics).toBe('gram')
    expect(networks.find((n) => n.id === 'vgg19')!.download!.md5).toBe('253f8cb515780f3b799900260a226db6')
    for (const n of networks) expect(n.layers).toContain(n.defaults.contentLayer)
  })

  it('lowers J on a photo and a painting, with previews on the way, and keeps the result in the history', async () => {
    const job = await service.call('style.start', { content: photo, styles: [{ image: painting, weight: 1 }], network: 'mobilenet', options: { ...quick, iterations: 8 } })
    expect(job.kind).toBe('style.start')
    const { final, progress, result: run } = await follow(service, job)
    expect(final.state).toBe('done')
    if (!run) throw new Error('the run ended without a result')
    expect(run.lossEnd).toBeLessThan(run.lossStart)
    expect(run.result.iterations).toBe(8)

    const previews = progress.filter((p) => p.preview)
    expect(previews.length).toBeGreaterThanOrEqual(2)
    expect([...previews[0]!.preview!.slice(0, 4)]).toEqual(pngSignature)
    const last = progress.at(-1)!
    expect(last.done).toBe(8)
    expect(Object.keys(last.values!).sort()).toEqual(['content', 'iteration', 'style', 'total', 'tv'])

    const history = await service.call('style.history', {})
    expect(history.map((h) => h.id)).toContain(run.result.id)
    const detail = await service.call('style.result', { resultId: run.result.id })
    expect([...detail.image.slice(0, 4)]).toEqual(pngSignature)
    expect(Math.max(detail.summary.width, detail.summary.height)).toBe(64)
    expect(detail.options).toMatchObject({ size: 64, iterations: 8, statistics: 'swag' })
    expect(detail.history.map((p) => p.iteration)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(detail.styles).toHaveLength(1)

    // The history's thumbnail: a JPEG no larger than the result nor than the thumbnail side, made once and kept.
    const thumbnail = await service.call('style.thumbnail', { resultId: run.result.id })
    expect([...thumbnail.slice(0, 2)]).toEqual([0xff, 0xd8])
    const { width, height } = await sharp(thumbnail).metadata()
    expect(Math.max(width, height)).toBe(Math.min(64, styleThumbnailSide))
    expect(existsSync(path.join(dataDir, 'style', `${run.result.id}-thumbnail.jpg`))).toBe(true)
    expect(await service.call('style.thumbnail', { resultId: run.result.id })).toEqual(thumbnail)
  })

  it('cancels a run, keeps its picture so far, and resumes from it for more iterations', async () => {
    const job = await service.call('style.start', { content: photo, styles: [{ image: painting, weight: 1 }], network: 'mobilenet', options: { ...quick, iterations: 500 } })
    const cancelOnce = service.subscribe((event) => {
      if (event.type === 'job' && event.job.id === job.id && (event.job.progress?.done ?? 0) >= 3) {
        cancelOnce()
        void service.call('jobs.cancel', { jobId: job.id })
      }
    })
    const { final } = await follow(service, job)
    expect(final.state).toBe('cancelled')
    const saved = (await service.call('style.history', {})).find((h) => h.jobId === job.id)!
    expect(saved.complete).toBe(false)
    expect(saved.iterations).toBeGreaterThanOrEqual(3)
    expect(saved.iterations).toBeLessThan(500)

    const resumed = await service.call('style.resume', { resultId: saved.id, iterations: 3 })
    expect(resumed.kind).toBe('style.resume')
    const { result: more } = await follow(service, resumed)
    if (!more) throw new Error('the resumed run ended without a result')
    expect(more.result.iterations).toBe(saved.iterations + 3)
    expect(more.result.resumedFrom).toBe(saved.id)
    const detail = await service.call('style.result', { resultId: more.result.id })
    // It went on from the cancelled picture: J where it started is where the first run stopped, not the fresh start's.
    const stoppedAt = detail.history[saved.iterations - 1]!.total
    const startedAt = detail.history[0]!.total
    expect(detail.history[saved.iterations]!.total).toBeLessThan(startedAt)
    expect(Math.abs(detail.history[saved.iterations]!.total - stoppedAt)).toBeLessThan(Math.abs(startedAt - stoppedAt))
    expect(detail.history.map((p) => p.iteration).slice(-3)).toEqual([saved.iterations + 1, saved.iterations + 2, saved.iterations + 3])
  })

  it('gives L-BFGS a new shift every 10 iterations unless told otherwise, and lowers J with it', async () => {
    const run = async (options: Partial<StyleOptions>) => {
      const job = await service.call('style.start', { content: photo, styles: [{ image: painting, weight: 1 }], network: 'mobilenet', options: { ...quick, iterations: 4, optimizer: 'lbfgs', ...options } })
      const { final, result: done } = await follow(service, job)
      expect(final.state).toBe('done')
      return service.call('style.result', { resultId: done!.result.id })
    }
    const chosen = await run({})
    expect(chosen.options).toMatchObject({ optimizer: 'lbfgs', shiftEvery: lbfgsShiftEvery })
    expect(chosen.history.at(-1)!.total).toBeLessThan(chosen.history[0]!.total)
    expect((await run({ shiftEvery: 2 })).options.shiftEvery).toBe(2)
  })

  it('deletes a result and its files', async () => {
    const [newest] = await service.call('style.history', {})
    await service.call('style.thumbnail', { resultId: newest!.id })
    const thumbnailFile = path.join(dataDir, 'style', `${newest!.id}-thumbnail.jpg`)
    expect(existsSync(thumbnailFile)).toBe(true)
    expect(await service.call('style.delete', { resultId: newest!.id })).toEqual({ removed: true })
    expect(existsSync(thumbnailFile)).toBe(false)
    expect(await service.handle('style.thumbnail', { resultId: newest!.id })).toMatchObject({ ok: false, error: { kind: 'NotFound' } })
    expect((await service.call('style.history', {})).map((h) => h.id)).not.toContain(newest!.id)
    expect(await service.handle('style.result', { resultId: newest!.id })).toMatchObject({ ok: false, error: { kind: 'NotFound' } })
    expect(await service.call('style.delete', { resultId: newest!.id })).toEqual({ removed: false })
  })

  it('answers bad inputs with typed errors', async () => {
    const styles = [{ image: painting, weight: 1 }]
    const failed = async (request: RequestOf<'style.start'>) => (await follow(service, await service.call('style.start', request))).final
    expect(await service.handle('style.start', { content: photo, styles, network: 'mobilenet', options: { iterations: 0 } })).toMatchObject({
      ok: false,
      error: { kind: 'BadRequest' }
    })
    expect(await service.handle('style.start', { content: photo, styles, network: 'alexnet' })).toMatchObject({ ok: false, error: { kind: 'BadRequest' } })
    expect(await service.handle('style.start', { content: photo, styles: [], network: 'mobilenet' })).toMatchObject({ ok: false, error: { kind: 'BadRequest' } })
    expect(await service.handle('style.start', { content: photo, styles, network: 'vgg19' })).toMatchObject({ ok: false, error: { kind: 'ModelUnavailable' } })
    expect(await service.handle('style.resume', { resultId: 'no-such-result', iterations: 5 })).toMatchObject({ ok: false, error: { kind: 'NotFound' } })

    const notAnImage = await failed({ content: new TextEncoder().encode('not a picture at all'), styles, network: 'mobilenet', options: quick })
    expect(notAnImage.state).toBe('failed')
    expect(notAnImage.error).toMatchObject({ kind: 'NotAnImage', detail: { field: 'content' } })

    const unknownLayer = await failed({ content: photo, styles, network: 'mobilenet', options: { ...quick, contentLayer: 'mixed3' } })
    expect(unknownLayer.error).toMatchObject({ kind: 'BadRequest', detail: { field: 'layer', value: 'mixed3' } })

    // Up to 2048 px is painted in tiles where the heap cannot hold the picture; beyond is refused by the contract.
    expect(await service.handle('style.start', { content: photo, styles, network: 'mobilenet', options: { size: 4096 } })).toMatchObject({
      ok: false,
      error: { kind: 'BadRequest' }
    })
  })
})
