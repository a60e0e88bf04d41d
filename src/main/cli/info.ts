import type { CliCommand } from './command'

export const infoCommand: CliCommand = {
  usage: 'info [--json]',
  summary: 'compute backend, engine workers, versions and data folder',
  async run(service) {
    const info = await service.call('system.info', {})
    const lines = [
      `Likeness ${info.app.version}`,
      `backend: ${info.backend.name}${info.backend.simd ? ' (SIMD)' : ''}`,
      ...info.backend.tried.map((t) => `  passed over ${t.name}: ${t.error}`),
      `workers: ${info.workers.length} (${info.workers.map((w) => `${w.index}:${w.lane}`).join(', ')}) on ${info.cpus} cores`,
      `data folder: ${info.dataDir}`,
      ...Object.entries(info.versions).map(([name, version]) => `  ${name} ${version}`),
      ...info.storeNotices.map((n) => `notice: ${n.message}`)
    ]
    return { value: { ...info, threads: info.workers.length }, text: lines.join('\n') }
  }
}
