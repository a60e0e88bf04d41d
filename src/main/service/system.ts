import { existsSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import type { SystemInfo } from '../../shared/api/system'
import { matchLanguage } from '../../shared/languages'
import packageJson from '../../../package.json'
import type { Handlers } from './handlers'
import type { ServiceContext } from './context'

const requireHere = createRequire(import.meta.url)

/** A package's version, found from its entry point: some `exports` maps hide package.json. */
function packageVersion(name: string): string | undefined {
  try {
    let dir = path.dirname(requireHere.resolve(name))
    while (dir !== path.dirname(dir)) {
      const file = path.join(dir, 'package.json')
      if (existsSync(file)) {
        const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string }
        if (json.name === name) return json.version
      }
      dir = path.dirname(dir)
    }
  } catch {
    // Not installed (the optional native backends usually are not).
  }
  return undefined
}

const reported = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', '@vladmandic/face-api', 'nsfwjs', 'sharp', 'lowdb']

export function systemHandlers(context: ServiceContext): Pick<Handlers, 'system.info' | 'system.language' | 'engine.warmup' | 'jobs.list' | 'jobs.get' | 'jobs.cancel'> {
  const { pool, jobs, store } = context
  return {
    'system.info': async () => {
      const workers = await pool.workers()
      const first = workers[0]?.backend
      const versions: Record<string, string> = { node: process.versions.node }
      if (process.versions.electron) versions.electron = process.versions.electron
      if (process.versions.chrome) versions.chrome = process.versions.chrome
      for (const name of reported) {
        const version = packageVersion(name)
        if (version) versions[name] = version
      }
      const info: SystemInfo = {
        app: { name: 'Likeness', version: packageJson.version },
        versions,
        backend: { name: first?.name ?? 'unknown', tried: first?.tried ?? [], simd: first?.simd ?? false },
        workers: workers.map((w) => ({ index: w.index, lane: w.lane, backend: w.backend?.name ?? 'unknown', simd: w.backend?.simd ?? false, busy: w.busy })),
        cpus: os.availableParallelism(),
        dataDir: context.dataDir,
        storeNotices: store.notices,
        host: context.host
      }
      return info
    },

    // LIKENESS_LANG=zh-CN (or en) sets the window's language over Settings and the OS; the CLI ignores it.
    'system.language': async () => ({ forced: matchLanguage(process.env.LIKENESS_LANG ?? '') }),

    'engine.warmup': async () =>
      jobs.start('engine.warmup', 'Warming up the engine', async ({ report }) => {
        let done = 0
        const results = await pool.broadcast('engine.warmup', { size: 128 }, () => {
          done++
          report({ done, total: pool.size, message: `${done} of ${pool.size} workers ready` })
        })
        const workers = await pool.workers()
        return { backend: workers[0]?.backend?.name ?? 'unknown', workers: pool.size, seconds: results.map((r) => r.seconds) }
      }),

    'jobs.list': async () => jobs.list(),
    'jobs.get': async ({ jobId }) => jobs.get(jobId),
    'jobs.cancel': async ({ jobId }) => jobs.cancel(jobId)
  }
}
