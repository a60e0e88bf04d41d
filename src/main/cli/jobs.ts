import { awaitJob, type JobInfo } from '../../shared/jobs'
import type { Service } from '../service'

/** Waits for a job, drawing its progress on stderr (stdout stays clean for --json). */
export async function followJob<R>(service: Service, job: JobInfo<R>): Promise<R> {
  const tty = process.stderr.isTTY
  try {
    return await awaitJob(service.jobFeed, job, ({ title, progress }) => {
      if (progress && tty) process.stderr.write(`\r${title}: ${progress.message ?? `${progress.done}/${progress.total}`}   `)
    })
  } finally {
    if (tty) process.stderr.write('\n')
  }
}
