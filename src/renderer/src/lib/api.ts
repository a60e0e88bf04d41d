import type { AppEvent, MethodName, RequestOf, ResponseOf, WindowApi } from '../../../shared/contract'
import { LikenessError } from '../../../shared/errors'
import type { JobInfo, JobKind } from '../../../shared/jobs'
import type { JobResults } from '../../../shared/api/jobResults'
import { connectBridge } from './bridgeClient'

const windowApi: WindowApi = window.api ?? connectBridge(window.location)

/** The renderer's one door to the main process. Throws LikenessError, with a kind. */
export async function call<M extends MethodName>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>> {
  const result = await windowApi.invoke(method, request)
  if (!result.ok) throw new LikenessError(result.error.kind, result.error.message, result.error.detail)
  return result.value
}

export function onEvent(listener: (event: AppEvent) => void): () => void {
  return windowApi.subscribe(listener)
}

export const host = windowApi.host

/**
 * Follows a job started by a call until it ends: resolves with its result, rejects with its
 * error (Cancelled included).
 */
export function awaitJob<K extends JobKind>(job: JobInfo<K>, onUpdate?: (job: JobInfo<K>) => void): Promise<JobResults[K]> {
  return new Promise((resolve, reject) => {
    const settle = (info: JobInfo<K>): boolean => {
      onUpdate?.(info)
      if (info.state === 'done') resolve(info.result as JobResults[K])
      else if (info.state === 'failed') reject(new LikenessError(info.error?.kind ?? 'Internal', info.error?.message ?? 'The job failed.'))
      else if (info.state === 'cancelled') reject(new LikenessError('Cancelled', 'Cancelled.'))
      else return false
      return true
    }
    const unsubscribe = onEvent((event) => {
      if (event.type === 'job' && event.job.id === job.id && settle(event.job as JobInfo<K>)) unsubscribe()
    })
    // The job may have finished before we subscribed.
    call('jobs.get', { jobId: job.id })
      .then((info) => {
        if (settle(info as JobInfo<K>)) unsubscribe()
      })
      .catch(() => undefined)
  })
}
