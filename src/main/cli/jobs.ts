import type { JobInfo, JobKind } from '../../shared/jobs'
import type { JobResults } from '../../shared/api/jobResults'
import { LikenessError } from '../../shared/errors'
import type { Service } from '../service'

/** Waits for a job, drawing its progress on stderr (stdout stays clean for --json). */
export function awaitJob<K extends JobKind>(service: Service, job: JobInfo, kind: K): Promise<JobResults[K]> {
  if (job.kind !== kind) return Promise.reject(new LikenessError('Internal', `Expected a ${kind} job, got ${job.kind}.`))
  return new Promise((resolve, reject) => {
    const settle = (info: JobInfo): boolean => {
      if (info.id !== job.id) return false
      if (info.progress && process.stderr.isTTY) process.stderr.write(`\r${info.title}: ${info.progress.message ?? `${info.progress.done}/${info.progress.total}`}   `)
      if (info.state === 'running' || info.state === 'queued') return false
      if (process.stderr.isTTY) process.stderr.write('\n')
      if (info.state === 'done') resolve(info.result as JobResults[K])
      else reject(new LikenessError(info.error?.kind ?? 'Cancelled', info.error?.message ?? 'Cancelled.', info.error?.detail))
      return true
    }
    const unsubscribe = service.subscribe((event) => {
      if (settle(event.job)) unsubscribe()
    })
    void service.call('jobs.get', { jobId: job.id }).then((info) => {
      if (settle(info)) unsubscribe()
    })
  })
}
