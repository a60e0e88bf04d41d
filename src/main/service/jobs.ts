import { randomUUID } from 'node:crypto'
import { LikenessError, toErrorInfo } from '../../shared/errors'
import type { JobInfo, JobProgress } from '../../shared/jobs'
import type { JobKind, JobResultOf } from '../../shared/contract'

export interface JobContext {
  signal: AbortSignal
  report(progress: JobProgress): void
}

/** How many finished jobs to remember for late readers (a renderer that reloads). */
const keepFinished = 50

/**
 * Long work as jobs: an id the UI can follow, progress events, cancel. The job's work runs on
 * the engine pool; this only keeps the books and tells listeners.
 */
export class Jobs {
  private readonly jobs = new Map<string, { info: JobInfo; abort: AbortController }>()

  constructor(private readonly emit: (job: JobInfo) => void) {}

  /** Starts the work of a job-method `kind` (the method's name): what it resolves with is the job's result. */
  start<K extends JobKind>(kind: K, title: string, work: (context: JobContext) => Promise<JobResultOf<K>>): JobInfo<JobResultOf<K>> {
    const abort = new AbortController()
    const info: JobInfo<JobResultOf<K>> = { id: randomUUID(), kind, title, state: 'running', startedAt: Date.now() }
    this.jobs.set(info.id, { info, abort })
    this.emit(info)
    const context: JobContext = {
      signal: abort.signal,
      report: (progress) => {
        if (info.state !== 'running') return
        info.progress = progress
        this.emit(info)
      }
    }
    work(context).then(
      (result) => this.finish(info, abort.signal.aborted ? 'cancelled' : 'done', result),
      (error: unknown) => {
        const errorInfo = toErrorInfo(error)
        this.finish(info, errorInfo.kind === 'Cancelled' || abort.signal.aborted ? 'cancelled' : 'failed', undefined, errorInfo)
      }
    )
    return { ...info }
  }

  get(jobId: string): JobInfo {
    const job = this.jobs.get(jobId)
    if (!job) throw new LikenessError('NotFound', 'There is no such job.', { jobId })
    return { ...job.info }
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((job) => ({ ...job.info, result: undefined }))
  }

  isRunning(jobId: string): boolean {
    const state = this.jobs.get(jobId)?.info.state
    return state === 'running' || state === 'queued'
  }

  cancel(jobId: string): JobInfo {
    const job = this.jobs.get(jobId)
    if (!job) throw new LikenessError('NotFound', 'There is no such job.', { jobId })
    if (job.info.state === 'running' || job.info.state === 'queued') job.abort.abort()
    return { ...job.info }
  }

  cancelAll(): void {
    for (const job of this.jobs.values()) job.abort.abort()
  }

  private finish<R>(info: JobInfo<R>, state: JobInfo['state'], result?: R, error?: JobInfo['error']): void {
    info.state = state
    info.finishedAt = Date.now()
    if (state === 'done') info.result = result
    if (error && state === 'failed') info.error = error
    this.emit(info)
    this.forgetOld()
  }

  private forgetOld(): void {
    const finished = [...this.jobs.values()].filter((job) => job.info.finishedAt !== undefined)
    for (const job of finished.slice(0, Math.max(0, finished.length - keepFinished))) this.jobs.delete(job.info.id)
  }
}
