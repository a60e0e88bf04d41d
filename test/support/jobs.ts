import { toErrorInfo, type ErrorInfo } from '../../src/shared/errors'
import { awaitJob, type JobInfo, type JobProgress } from '../../src/shared/jobs'
import type { Service } from '../../src/main/service'

export interface FollowedJob<R> {
  final: JobInfo<R>
  /** Every progress the job reported on the way, in order. */
  progress: JobProgress[]
  result?: R
  error?: ErrorInfo
}

/** Follows a job to its end through the service's job feed, as the CLI and the renderer do, keeping what it reported. */
export async function followJob<R>(service: Service, job: JobInfo<R>, onUpdate?: (job: JobInfo<R>) => void): Promise<FollowedJob<R>> {
  const progress: JobProgress[] = []
  let final = job
  const seen = (info: JobInfo<R>): void => {
    final = info
    if (info.progress) progress.push(info.progress)
    onUpdate?.(info)
  }
  try {
    const result = await awaitJob(service.jobFeed, job, seen)
    return { final, progress, result }
  } catch (error) {
    return { final, progress, error: toErrorInfo(error) }
  }
}
