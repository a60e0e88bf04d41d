import { afterAll, describe, expect, it } from 'vitest'
import path from 'node:path'
import os from 'node:os'
import { EnginePool } from '../../../src/main/worker/pool'
import type { JobProgress } from '../../../src/shared/jobs'

const workerScript = path.resolve('out/main/worker.js')

describe('EnginePool', () => {
  const pool = new EnginePool({ workerScript, dataDir: os.tmpdir(), size: 2, backend: 'wasm' })
  afterAll(async () => pool.close())

  it('runs an operation on a worker thread and relays its progress', async () => {
    const progress: JobProgress[] = []
    const result = await pool.run('engine.warmup', { size: 64 }, { onProgress: (p) => progress.push(p) })
    expect(result.seconds).toBeGreaterThan(0)
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3])
  })

  it('cancels a running operation through shared memory', async () => {
    const abort = new AbortController()
    const running = pool.run('engine.warmup', { size: 512 }, {
      lane: 'batch',
      signal: abort.signal,
      onProgress: () => abort.abort()
    })
    await expect(running).rejects.toMatchObject({ kind: 'Cancelled' })
  })

  it('keeps the interactive worker free while batch work runs', async () => {
    const batch = [1, 2, 3].map(() => pool.run('engine.warmup', { size: 256 }, { lane: 'batch' }))
    const order: string[] = []
    const interactive = pool.run('engine.warmup', { size: 32 }, { lane: 'interactive' }).then(() => order.push('interactive'))
    await Promise.all([...batch.map((b) => b.then(() => order.push('batch'))), interactive])
    // Three batch jobs queue on the one batch worker; the interactive one is not behind them.
    expect(order[0]).toBe('interactive')
  })

  it('lists its workers with the backend each one runs', async () => {
    const workers = await pool.workers()
    expect(workers.map((w) => w.lane)).toEqual(['interactive', 'batch'])
    expect(workers.every((w) => w.backend?.name === 'wasm')).toBe(true)
  })
})

describe('EnginePool when a worker dies', () => {
  const crashing = new EnginePool({ workerScript: path.resolve('test/support/crashingWorker.mjs'), dataDir: os.tmpdir(), size: 2, backend: 'wasm' })
  afterAll(async () => crashing.close())

  it('fails the task that was running, starts a new worker in its place, and serves the next task', async () => {
    await expect(crashing.run('engine.warmup', { size: 13 })).rejects.toMatchObject({ kind: 'Internal', message: expect.stringContaining('exit code 3') })
    const result = await crashing.run('engine.warmup', { size: 32 })
    expect(result.seconds).toBeGreaterThan(0)
    const workers = await crashing.workers()
    expect(workers.map((w) => w.backend?.name)).toEqual(['wasm', 'wasm'])
  })

  it('gives up on a worker that keeps dying and refuses its work rather than queueing it forever', async () => {
    // A broadcast pins one task to every worker: four of them kill each worker four more times.
    await Promise.allSettled([1, 2, 3, 4].map(() => crashing.broadcast('engine.warmup', { size: 13 })))
    // A broadcast settles with its first failure; the other worker's death follows within moments.
    await new Promise((resolve) => setTimeout(resolve, 500))
    await expect(crashing.run('engine.warmup', { size: 32 })).rejects.toMatchObject({ kind: 'Internal', message: expect.stringContaining('cannot start') })
  })
})
