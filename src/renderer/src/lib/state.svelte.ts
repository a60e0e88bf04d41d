import type { JobInfo } from '../../../shared/jobs'
import { toErrorInfo, type ErrorInfo } from '../../../shared/errors'
import { onEvent } from './api'

/** App-wide state the shell shows: running jobs and the current error banner. */
export const jobs = $state<{ list: JobInfo[] }>({ list: [] })
/** The error is kept as the typed value, not as words: the banner says it in whatever language is chosen meanwhile. */
export const banner = $state<{ error: ErrorInfo | null }>({ error: null })

export function showError(error: unknown): void {
  banner.error = toErrorInfo(error)
}

export function dismissError(): void {
  banner.error = null
}

onEvent((event) => {
  if (event.type !== 'job') return
  const index = jobs.list.findIndex((job) => job.id === event.job.id)
  if (index >= 0) jobs.list[index] = event.job
  else jobs.list.push(event.job)
  // Finished jobs leave the strip after a moment; failures stay until dismissed by the banner.
  if (event.job.state !== 'running' && event.job.state !== 'queued') {
    const id = event.job.id
    setTimeout(() => {
      jobs.list = jobs.list.filter((job) => job.id !== id)
    }, 4000)
  }
})
