// One style job on one engine worker against the same job on two (issue 12 §4), JSON lines: for
// each size and way of running it, wall seconds, the process's CPU seconds (every thread), the
// load average before and after, the seconds of each scale and which worker painted each region,
// and the three quality figures. The reference run is the one-worker run in the same process:
// each line after it carries the ratio of its wall and CPU seconds to it.
//
// On shared cores the wall seconds measure the queue. Each worker's thread CPU seconds do not: the
// job's worker over the whole run, each region's on the worker that painted it. `aloneSeconds` is
// what the run would take on two idle cores by those counts: the job worker's CPU, except that at
// each scale its own regions' CPU is replaced by the larger of the workers' region CPU at that
// scale (the workers paint a scale's regions side by side; the rest of a scale runs on the job's).
//
//   npx electron-vite build && npx tsx bench/style-workers.ts -- [--sizes 1024,2048] [--ways one,two,two-split]
//                                   [--content amber.jpg] [--style composition_vii_kandinsky.jpg] [--iterations 100]
//
// Ways: `one` paints on the batch worker alone; `two` lends it the worker kept for check-in at
// scales painted in tiles; `two-split` also splits the scales the heap holds whole in halves.
import { readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { EnginePool } from '../src/main/worker/pool'
import type { OpArgs } from '../src/main/worker/ops'
import { defaultStyleSettings } from '../src/main/style/settings'
import { contentDir, styleDir } from './styleData'

const { values: flags } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1024' },
    ways: { type: 'string', default: 'one,two' },
    content: { type: 'string', default: 'amber.jpg' },
    style: { type: 'string', default: 'composition_vii_kandinsky.jpg' },
    iterations: { type: 'string', default: '100' },
    network: { type: 'string', default: 'inception' }
  },
  allowPositionals: true
})

type Way = 'one' | 'two' | 'two-split'
const network = flags.network as 'inception' | 'mobilenet'

function emit(line: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'style-workers', ...line }))
}

function load(): number[] {
  return os.loadavg().map((l) => Number(l.toFixed(2)))
}

function cpuSeconds(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}

const pool = new EnginePool({ workerScript: path.resolve('out/main/worker.js'), dataDir: os.tmpdir(), size: 2, backend: 'wasm' })
const content = new Uint8Array(readFileSync(path.join(contentDir, flags.content)))
const style = new Uint8Array(readFileSync(path.join(styleDir, flags.style)))

function args(size: number, iterations: number, engine: OpArgs<'style.stylize'>['engine']): OpArgs<'style.stylize'> {
  return { network, content, styles: [{ image: style, weight: 1 }], settings: { ...defaultStyleSettings(network), size, iterations }, engine }
}

// Both workers load the network and grow their heaps before anything is timed: a small run in
// tiles, one of them lent.
await pool.run('style.stylize', args(256, 4, { tileSide: 160 }), { lane: 'batch', borrowWorkers: () => true })

for (const size of flags.sizes.split(',').map(Number)) {
  let reference: { wall: number; cpu: number } | undefined
  let aloneReference: number | undefined
  for (const way of flags.ways.split(',') as Way[]) {
    const before = load()
    const cpuBefore = cpuSeconds()
    const started = performance.now()
    const result = await pool.run('style.stylize', args(size, Number(flags.iterations), { splitWhole: way === 'two-split' }), { lane: 'batch', borrowWorkers: () => way !== 'one' })
    const wall = (performance.now() - started) / 1000
    const cpu = cpuSeconds() - cpuBefore
    reference ??= { wall, cpu }
    const jobWorker = 1
    const regionCpu = result.scales.map((scale) => {
      const byWorker = new Map<number, number>()
      for (const r of scale.regions) byWorker.set(r.worker, (byWorker.get(r.worker) ?? 0) + (r.cpuSeconds ?? 0))
      return { own: byWorker.get(jobWorker) ?? 0, slowest: Math.max(...byWorker.values()), lent: [...byWorker].filter(([w]) => w !== jobWorker).reduce((a, [, c]) => a + c, 0) }
    })
    const jobCpu = result.cpuSeconds ?? NaN
    const alone = jobCpu - regionCpu.reduce((a, r) => a + r.own - r.slowest, 0)
    aloneReference ??= alone
    emit({
      size,
      way,
      network,
      pair: `${flags.content} × ${flags.style}`,
      iterations: result.history.length,
      width: result.width,
      height: result.height,
      wallSeconds: Number(wall.toFixed(1)),
      cpuSeconds: Number(cpu.toFixed(1)),
      wallRatioToOne: Number((wall / reference.wall).toFixed(3)),
      cpuRatioToOne: Number((cpu / reference.cpu).toFixed(3)),
      jobWorkerCpuSeconds: Number(jobCpu.toFixed(1)),
      lentWorkerCpuSeconds: Number(regionCpu.reduce((a, r) => a + r.lent, 0).toFixed(1)),
      aloneSeconds: Number(alone.toFixed(1)),
      aloneRatioToOne: Number((alone / aloneReference).toFixed(3)),
      loadBefore: before,
      loadAfter: load(),
      scales: result.scales.map((s) => ({
        size: `${s.width}×${s.height}`,
        iterations: s.iterations,
        seconds: Number(s.seconds.toFixed(1)),
        workers: s.regions.map((r) => r.worker),
        regionCpuSeconds: s.regions.map((r) => Number((r.cpuSeconds ?? NaN).toFixed(1)))
      })),
      lossEnd: result.history.at(-1)?.total,
      ...result.quality
    })
  }
}
await pool.close()
