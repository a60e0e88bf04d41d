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

/**
 * From a worker, about its task `seq`. Besides progress and the end, a task may borrow another
 * worker for a part of its work ('borrow': run `op` there; 'recall': stop it), ask how many workers
 * it could borrow now ('lendable'), and, when it is itself borrowed, send its borrower intermediate
 * values ('partial').
 */
export type WorkerMessage =
  | { type: 'progress'; seq: number; progress: JobProgress }
  | { type: 'done'; seq: number; result: unknown }
  | { type: 'failed'; seq: number; error: ErrorInfo }
  | { type: 'partial'; seq: number; value: unknown }
  | { type: 'borrow'; seq: number; id: number; op: OpName; args: unknown }
  | { type: 'recall'; seq: number; id: number }
  | { type: 'lendable'; seq: number; id: number }

/** To a worker, about its borrow or lendable request `id`. 'declined': no worker can be lent now. */
export interface LentMessage {
  type: 'lent'
  id: number
  outcome:
    | { kind: 'partial'; value: unknown }
    | { kind: 'done'; result: unknown }
    | { kind: 'failed'; error: ErrorInfo }
    | { kind: 'declined' }
    | { kind: 'lendable'; count: number }
}

export type ToWorkerMessage = TaskMessage | LentMessage
