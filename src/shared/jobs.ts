import { z } from 'zod'
import type { ErrorInfo } from './errors'
import type { JobResults } from './api/jobResults'

export type JobKind = keyof JobResults
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

export interface JobInfo<K extends JobKind = JobKind> {
  id: string
  kind: K
  /** What the user would call it: "Style: tubingen × starry night". */
  title: string
  state: JobState
  startedAt: number
  finishedAt?: number
  progress?: JobProgress
  error?: ErrorInfo
  /** Set once, when state becomes 'done'. */
  result?: JobResults[K]
}

export interface JobEvent {
  type: 'job'
  job: JobInfo
}

export const jobIdRequest = z.object({ jobId: z.string().min(1).max(100) }).strict()
