import { z } from 'zod'
import { job, method } from '../method'
import type { JobInfo } from '../jobs'
import { jobIdRequest } from '../jobs'
import type { Language } from '../languages'

export interface WorkerInfo {
  index: number
  lane: 'interactive' | 'batch'
  backend: string
  simd: boolean
  busy: boolean
}

export interface StoreNotice {
  kind: 'recovered-corrupt-file' | 'migrated' | 'audit-failed' | 'shared-gallery'
  message: string
  backupPath?: string
}

export interface SystemInfo {
  app: { name: string; version: string }
  versions: Record<string, string>
  backend: { name: string; tried: { name: string; error: string }[]; simd: boolean }
  workers: WorkerInfo[]
  cpus: number
  dataDir: string
  storeNotices: StoreNotice[]
  /** Where the renderer runs: inside Electron, or a browser through the web bridge. */
  host: 'electron' | 'browser' | 'cli'
}

export interface WarmupResult {
  backend: string
  workers: number
  /** Seconds each worker took to initialise its backend and run a small convolution. */
  seconds: number[]
}

/** The language the main process imposes on the window (`LIKENESS_LANG`), or null: then Settings and the OS decide. */
export interface LanguageInfo {
  forced: Language | null
}

const empty = z.object({}).strict()

export const systemMethods = {
  'system.info': method<SystemInfo>()(empty),
  /** Answers at once (unlike system.info, which waits for the engine): the window asks before it draws. */
  'system.language': method<LanguageInfo>()(empty),
  /** Starts every engine worker's backend and runs a small convolution on each: a job with progress. */
  'engine.warmup': job<WarmupResult>()(empty),
  'jobs.list': method<JobInfo[]>()(empty),
  'jobs.get': method<JobInfo>()(jobIdRequest),
  'jobs.cancel': method<JobInfo>()(jobIdRequest)
}
