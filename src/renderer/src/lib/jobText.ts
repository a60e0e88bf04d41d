import type { JobKind } from '../../../shared/contract'
import type { JobInfo } from '../../../shared/jobs'
import { m } from '../paraglide/messages'
import { formatFixed, formatNumber } from './format'

/**
 * A job in the window's language. The main process titles its jobs and words their progress in
 * English for the CLI and the logs; the window names a job by its kind (the method that started
 * it) and says its progress from the figures.
 */
const titles: Record<JobKind, () => string> = {
  'engine.warmup': m.job_engine_warmup,
  'face.evaluate': m.job_face_evaluate,
  'style.start': m.job_style_start,
  'style.resume': m.job_style_resume,
  'style.downloadVgg19': m.job_style_download,
  'train.start': m.job_train_start,
  'train.calibrate': m.job_train_calibrate,
  'train.reencode': m.job_train_reencode,
  'explore.scan': m.job_explore_scan,
  'gallery.import': m.job_gallery_import,
  'shared.connect': m.job_shared_connect,
  'shared.disconnect': m.job_shared_disconnect
}

const isKind = (kind: string): kind is JobKind => kind in titles

export function jobTitle(job: JobInfo): string {
  return isKind(job.kind) ? titles[job.kind]() : job.title
}

const megabytes = (bytes: number): string => formatFixed(bytes / 1e6, 1)

/** What the job has done so far, or '' before its first report. */
export function jobProgressText(job: JobInfo): string {
  const progress = job.progress
  if (!progress || progress.total <= 0) return ''
  const figures = { done: formatNumber(progress.done), total: formatNumber(progress.total) }
  const values = progress.values ?? {}
  switch (job.kind as JobKind) {
    case 'engine.warmup':
      return m.job_progress_workers(figures)
    case 'style.start':
    case 'style.resume':
      return values.total === undefined ? m.job_progress_iterations(figures) : m.job_progress_iterations_loss({ ...figures, loss: formatNumber(Number(values.total.toPrecision(4))) })
    case 'style.downloadVgg19':
      return m.job_progress_megabytes({ done: megabytes(progress.done), total: megabytes(progress.total) })
    case 'train.start':
      // Training first finds the faces of its images, then takes steps that report their loss.
      return values.loss === undefined ? m.job_progress_images(figures) : m.job_progress_steps({ ...figures, loss: formatFixed(values.loss, 4) })
    case 'train.reencode':
      return m.job_progress_templates(figures)
    case 'face.evaluate':
    case 'train.calibrate':
    case 'explore.scan':
    case 'gallery.import':
      return m.job_progress_images(figures)
    default:
      return m.job_progress_plain(figures)
  }
}

const states: Record<JobInfo['state'], () => string> = {
  queued: m.job_state_queued,
  running: m.job_state_running,
  done: m.job_state_done,
  failed: m.job_state_failed,
  cancelled: m.job_state_cancelled
}

export const jobStateText = (job: JobInfo): string => states[job.state]()
