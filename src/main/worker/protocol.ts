import type { ErrorInfo } from '../../shared/errors'
import type { JobProgress } from '../../shared/jobs'
import type { BackendChoice } from '../engine/backend'
import type { OpName } from './ops'

/** Between the pool (main thread) and an engine worker thread. */
export interface WorkerData {
  index: number
  backend: BackendChoice
  /** Where downloaded networks live (the data folder): the worker's model cache looks there. */
  dataDir: string
  /** Int32Array over it: slot 0 holds the sequence number of the task to cancel. */
  cancelBuffer: SharedArrayBuffer
}

export interface TaskMessage {
  type: 'task'
  seq: number
  op: OpName
  args: unknown
}

export type WorkerMessage =
  | { type: 'progress'; seq: number; progress: JobProgress }
  | { type: 'done'; seq: number; result: unknown }
  | { type: 'failed'; seq: number; error: ErrorInfo }
