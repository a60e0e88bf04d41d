import type { AppEvent, MethodName, RequestOf, ResponseOf, WindowApi } from '../../../shared/contract'
import { LikenessError } from '../../../shared/errors'
import { awaitJob, type JobFeed, type JobInfo } from '../../../shared/jobs'
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

/** The main process's jobs as the renderer follows them. */
const jobFeed: JobFeed = {
  get: (jobId) => call('jobs.get', { jobId }),
  subscribe: (listener) => onEvent((event) => event.type === 'job' && listener(event.job))
}

/** Follows a job started by a call until it ends: resolves with its result, rejects with its error (Cancelled included). */
export function followJob<R>(job: JobInfo<R>, onUpdate?: (job: JobInfo<R>) => void): Promise<R> {
  return awaitJob(jobFeed, job, onUpdate)
}
