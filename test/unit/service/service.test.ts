import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Service } from '../../../src/main/service'
import { followJob } from '../../support/jobs'
import type { AppEvent } from '../../../src/shared/contract'
import { keysOf } from '../../support/keys'

// The engine worker runs from its bundle: `npm test` builds before it runs the unit tests.
const workerScript = path.resolve('out/main/worker.js')

describe('Service', () => {
  let service: Service
  beforeAll(async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'likeness-svc-'))
    service = await Service.open({ dataDir, keys: keysOf(dataDir), workerScript, host: 'cli', backend: 'wasm' })
  })
  afterAll(async () => service.close())

  it('answers malformed requests with a typed BadRequest and keeps serving', async () => {
    expect(await service.handle('no.such.method', {})).toMatchObject({ ok: false, error: { kind: 'BadRequest' } })
    expect(await service.handle(42, {})).toMatchObject({ ok: false, error: { kind: 'BadRequest' } })
    const wrongType = await service.handle('settings.update', { tau: 'high' })
    expect(wrongType).toMatchObject({ ok: false, error: { kind: 'BadRequest', detail: { method: 'settings.update' } } })
    expect(await service.handle('settings.update', { tau: 0.4, extra: true })).toMatchObject({ ok: false, error: { kind: 'BadRequest' } })
    expect(await service.handle('settings.get', {})).toMatchObject({ ok: true, value: { tau: 0.36 } })
  })

  it('reports the backend and one worker per core with a reserved interactive lane', async () => {
    const info = await service.call('system.info', {})
    expect(info.backend.name).toBe('wasm')
    expect(info.workers.length).toBeGreaterThanOrEqual(2)
    expect(info.workers.filter((w) => w.lane === 'interactive')).toHaveLength(1)
    expect(info.versions['@tensorflow/tfjs']).toMatch(/^4\./)
  })

  it('runs warm-up as a job on every worker, with progress events, to a typed result', async () => {
    const events: AppEvent[] = []
    const unsubscribe = service.subscribe((event) => events.push(event))
    const job = await service.call('engine.warmup', {})
    const { final, result } = await followJob(service, job)
    unsubscribe()
    expect(final.state).toBe('done')
    if (!result) throw new Error('warm-up ended without a result')
    expect(result.seconds).toHaveLength(result.workers)
    expect(events.filter((e) => e.type === 'job' && e.job.id === job.id && e.job.progress).length).toBeGreaterThanOrEqual(1)
  })

  it("tells the window the language LIKENESS_LANG sets, or none; Settings keeps the user's choice", async () => {
    const forced = async (value: string | undefined) => {
      if (value === undefined) delete process.env.LIKENESS_LANG
      else process.env.LIKENESS_LANG = value
      return (await service.call('system.language', {})).forced
    }
    const before = process.env.LIKENESS_LANG
    try {
      expect(await forced('zh-CN')).toBe('zh-CN')
      expect(await forced('zh_TW')).toBe('zh-CN')
      expect(await forced('en')).toBe('en')
      expect(await forced('fr')).toBeNull()
      expect(await forced(undefined)).toBeNull()
    } finally {
      if (before === undefined) delete process.env.LIKENESS_LANG
      else process.env.LIKENESS_LANG = before
    }
    expect((await service.call('settings.get', {})).language).toBe('system')
    expect((await service.call('settings.update', { language: 'zh-CN' })).language).toBe('zh-CN')
    // Changing another setting leaves the language as it was.
    expect((await service.call('settings.update', { tau: 0.36 })).language).toBe('zh-CN')
    expect(await service.handle('settings.update', { language: 'fr' })).toMatchObject({ ok: false, error: { kind: 'BadRequest' } })
  })

  it('says NotFound for a job that does not exist', async () => {
    expect(await service.handle('jobs.get', { jobId: 'nope' })).toMatchObject({ ok: false, error: { kind: 'NotFound' } })
  })
})
