import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { EnginePool, type RunOptions } from '../../../src/main/worker/pool'
import type { OpArgs, OpResult } from '../../../src/main/worker/ops'
import type { JobProgress } from '../../../src/shared/jobs'
import { decodeImage } from '../../../src/main/image/decode'
import { encodePng } from '../../../src/main/image/encode'
import { defaultStyleSettings } from '../../../src/main/style/settings'
import { testPainting } from '../style/helpers/images'

// The engine workers run from their bundle: build with `npx electron-vite build` first.
const workerScript = path.resolve('out/main/worker.js')

/**
 * A real network (MobileNetV2 from node_modules) on a small picture cut into small tiles (the engine
 * knob `tileSide`), so that a tiled scale takes seconds: four tiles of at most 112 px.
 */
async function args(iterations: number, size = 160, engine: OpArgs<'style.stylize'>['engine'] = { tileSide: 112 }): Promise<OpArgs<'style.stylize'>> {
  return {
    network: 'mobilenet',
    content: new Uint8Array(readFileSync('node_modules/@vladmandic/face-api/demo/sample1.jpg')),
    styles: [{ image: await encodePng(testPainting(96, 96)), weight: 1 }],
    settings: { ...defaultStyleSettings('mobilenet'), size, iterations, multiScale: false, padding: 8, previewEvery: 1 },
    engine
  }
}

async function paint(pool: EnginePool, iterations: number, options: RunOptions, size?: number, engine?: OpArgs<'style.stylize'>['engine']): Promise<{ result: OpResult<'style.stylize'>; progress: JobProgress[] }> {
  const progress: JobProgress[] = []
  const result = await pool.run('style.stylize', await args(iterations, size, engine), { lane: 'batch', ...options, onProgress: (p) => progress.push(p) })
  return { result, progress }
}

async function meanAbsoluteDifference(a: Uint8Array, b: Uint8Array): Promise<number> {
  const [x, y] = await Promise.all([decodeImage(a), decodeImage(b)])
  let sum = 0
  for (let i = 0; i < x.image.data.length; i++) sum += Math.abs(x.image.data[i]! - y.image.data[i]!)
  return sum / x.image.data.length / 255
}

async function idle(pool: EnginePool, withinMs: number): Promise<boolean> {
  for (const until = Date.now() + withinMs; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 100))) {
    if ((await pool.workers()).every((w) => !w.busy)) return true
  }
  return false
}

describe('a style job on two engine workers', () => {
  const pool = new EnginePool({ workerScript, dataDir: os.tmpdir(), size: 2, backend: 'wasm' })
  beforeAll(async () => {
    await pool.workers()
  })
  afterAll(async () => pool.close())

  it('paints a tiled scale on both workers, to the picture one worker paints, reporting every iteration once', async () => {
    const iterations = 4
    const one = await paint(pool, iterations, { borrowWorkers: () => false })
    const two = await paint(pool, iterations, { borrowWorkers: () => true })

    const [oneScale] = one.result.scales
    const [twoScale] = two.result.scales
    expect(oneScale!.regions.length).toBeGreaterThan(1)
    expect(twoScale!.regions.map((r) => r.tile)).toEqual(oneScale!.regions.map((r) => r.tile))
    // The batch worker (1) paints alone; with the kept worker (0) lent, both paint regions.
    expect(new Set(oneScale!.regions.map((r) => r.worker))).toEqual(new Set([1]))
    expect(new Set(twoScale!.regions.map((r) => r.worker))).toEqual(new Set([0, 1]))
    // Each region's CPU seconds on the thread that painted it (Linux), for bench/style-workers.ts.
    expect(twoScale!.regions.every((r) => (r.cpuSeconds ?? 0) > 0)).toBe(true)

    expect([two.result.width, two.result.height]).toEqual([one.result.width, one.result.height])
    expect(two.progress.map((p) => p.done)).toEqual([1, 2, 3, 4])
    expect(two.result.history).toHaveLength(iterations)
    // Each region is the same computation wherever it runs: the same losses and picture, up to the order of the sums.
    two.result.history.forEach((point, i) => expect(point.total).toBeCloseTo(one.result.history[i]!.total, 3))
    expect(two.result.history.at(-1)!.total).toBeLessThan(two.result.history[0]!.total)
    expect(await meanAbsoluteDifference(one.result.image, two.result.image)).toBeLessThan(0.002)
  }, 300_000)

  it('cuts a scale the heap holds whole in two halves, one per worker, only when a second worker is lent', async () => {
    const alone = await paint(pool, 2, { borrowWorkers: () => false }, 256, {})
    const shared = await paint(pool, 2, { borrowWorkers: () => true }, 256, {})
    expect(alone.result.scales[0]!.regions.map((r) => r.worker)).toEqual([1])
    expect(shared.result.scales[0]!.regions.map((r) => r.worker)).toEqual([1, 0])
    const [first, second] = shared.result.scales[0]!.regions.map((r) => r.tile)
    const overlap = second!.x > 0 ? first!.x + first!.width - second!.x : first!.y + first!.height - second!.y
    expect(overlap).toBeGreaterThanOrEqual(64)
    expect(overlap).toBeLessThanOrEqual(65)
    expect([shared.result.width, shared.result.height]).toEqual([alone.result.width, alone.result.height])
    expect(shared.progress.map((p) => p.done)).toEqual([1, 2])
  }, 300_000)

  it('gives the lent worker back to waiting interactive work at its next step and still paints every region', async () => {
    const iterations = 12
    let interactiveDone = false
    let settled = false
    const job = paint(pool, iterations, { borrowWorkers: () => true }).finally(() => (settled = true))
    // Wait until both workers are at work, then queue interactive work on the kept worker.
    let bothBusy = false
    while (!bothBusy && !settled) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      bothBusy = (await pool.workers()).every((w) => w.busy)
    }
    expect(bothBusy).toBe(true)
    const interactive = pool.run('engine.status', {}, { lane: 'interactive' }).then(() => (interactiveDone = !settled))
    const { result, progress } = await job
    await interactive
    expect(result.complete).toBe(true)
    // The region the lent worker took first (the last one) was handed back and finished by the job's own worker.
    expect(result.scales[0]!.regions.at(-1)!.worker).toBe(1)
    expect(progress.map((p) => p.done)).toEqual(Array.from({ length: iterations }, (_, i) => i + 1))
    expect(result.history).toHaveLength(iterations)
    expect(interactiveDone).toBe(true)
    expect(result.history.at(-1)!.total).toBeLessThan(result.history[0]!.total)
  }, 300_000)

  it('cancels on both workers: the run ends with the picture so far and the lent worker stops', async () => {
    const abort = new AbortController()
    let progressed = 0
    const run = pool.run('style.stylize', await args(400), {
      lane: 'batch',
      signal: abort.signal,
      borrowWorkers: () => true,
      onProgress: () => {
        if (++progressed === 2) abort.abort()
      }
    })
    const result = await run
    expect(result.complete).toBe(false)
    expect(result.history.length).toBeLessThan(400)
    // 400 iterations would take minutes; both workers are free again within moments of the cancel.
    expect(await idle(pool, 60_000)).toBe(true)
  }, 300_000)
})
