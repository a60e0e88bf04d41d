import { afterAll, describe, expect, it } from 'vitest'
import path from 'node:path'
import { EnginePool } from '../../../src/main/engine/pool'
import type { JobProgress } from '../../../src/shared/jobs'

const workerScript = path.resolve('out/main/worker.js')

describe('EnginePool', () => {
  const pool = new EnginePool({ workerScript, size: 2, backend: 'wasm' })
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
