import { z } from 'zod'
import { LikenessError, fromErrorInfo, type ErrorInfo } from './errors'

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled'

export interface JobProgress {
  done: number
  total: number
  message?: string
  /** Named numbers for live charts: loss terms, active-triplet share, frames per second… */
  values?: Record<string, number>
  /** A small picture of the work so far (PNG bytes), e.g. the style studio's preview. */
  preview?: Uint8Array
}

/**
 * Long work the UI can follow: progress events, cancel, and at the end a result of type `R`.
 * Its `kind` is the name of the method that started it ('style.start', 'train.calibrate', …).
 */
export interface JobInfo<R = unknown> {
  id: string
  kind: string
  /** What the user would call it: "Style: tubingen × starry night". */
  title: string
  state: JobState
  startedAt: number
  finishedAt?: number
  progress?: JobProgress
  error?: ErrorInfo
  /** Set once, when state becomes 'done'. */
  result?: R
}

export interface JobEvent {
  type: 'job'
  job: JobInfo
}

export const jobIdRequest = z.object({ jobId: z.string().min(1).max(100) }).strict()

/** Where a job can be followed: the renderer's window.api, the service in the CLI's process, a test's. */
export interface JobFeed {
  get(jobId: string): Promise<JobInfo>
  subscribe(listener: (job: JobInfo) => void): () => void
}

/**
 * Follows a job until it ends: resolves with its result, rejects with its error as a
 * LikenessError (Cancelled included). The one way every client waits for a job.
 */
export function awaitJob<R>(feed: JobFeed, job: JobInfo<R>, onUpdate?: (job: JobInfo<R>) => void): Promise<R> {
  // Same id, same job: its result is the R its starting method promised.
  const isThisJob = (info: JobInfo): info is JobInfo<R> => info.id === job.id && info.kind === job.kind
  return new Promise<R>((resolve, reject) => {
    let unsubscribe = (): void => undefined
    let settled = false
    let heard = false
    const settle = (info: JobInfo<R>): void => {
      if (settled) return
      onUpdate?.(info)
      if (info.state === 'running' || info.state === 'queued') return
      settled = true
      unsubscribe()
      if (info.state === 'done' && info.result !== undefined) resolve(info.result)
      else if (info.state === 'cancelled') reject(new LikenessError('Cancelled', 'Cancelled.'))
      else reject(fromErrorInfo(info.error ?? { kind: 'Internal', message: 'The job ended without a result.' }))
    }
    unsubscribe = feed.subscribe((info) => {
      if (!isThisJob(info)) return
      heard = true
      settle(info)
    })
    // The job may have finished before the subscription began; once an event came, it is newer.
    feed.get(job.id).then(
      (info) => {
        if (isThisJob(info) && !heard) settle(info)
      },
      (error: unknown) => {
        if (settled) return
        settled = true
        unsubscribe()
        reject(error)
      }
    )
  })
}
