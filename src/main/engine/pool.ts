import { Worker } from 'node:worker_threads'
import os from 'node:os'
import { LikenessError, fromErrorInfo } from '../../shared/errors'
import type { JobProgress } from '../../shared/jobs'
import type { BackendChoice, BackendInfo } from './backend'
import type { OpArgs, OpName, OpResult } from './ops'
import type { TaskMessage, WorkerData, WorkerMessage } from './protocol'

/**
 * Interactive work (live check-in, a verify) must never wait behind a style or training job, so
 * worker 0 is kept for it; batch work spreads over the others. Each worker has its own backend:
 * wasm runs one thread under Node, so parallelism comes from workers, one per core.
 */
export type Lane = 'interactive' | 'batch'

export interface PoolOptions {
  workerScript: URL | string
  size?: number
  backend?: BackendChoice
}

export interface RunOptions {
  lane?: Lane
  onProgress?: (progress: JobProgress) => void
  signal?: AbortSignal
}

interface Task {
  seq: number
  op: OpName
  args: unknown
  lane: Lane
  options: RunOptions
  resolve(value: unknown): void
  reject(error: unknown): void
}

interface Slot {
  index: number
  lane: Lane
  worker: Worker
  cancel: Int32Array
  task?: Task
  backend?: BackendInfo
}

export interface PoolWorkerInfo {
  index: number
  lane: Lane
  busy: boolean
  backend?: BackendInfo
}

export class EnginePool {
  private readonly slots: Slot[] = []
  private readonly queue: Task[] = []
  private seq = 0
  private closed = false

  constructor(options: PoolOptions) {
    const size = Math.max(2, options.size ?? os.availableParallelism())
    for (let index = 0; index < size; index++) {
      const cancelBuffer = new SharedArrayBuffer(4)
      const data: WorkerData = { index, backend: options.backend ?? 'auto', cancelBuffer }
      const worker = new Worker(options.workerScript, { workerData: data })
      const slot: Slot = { index, lane: index === 0 ? 'interactive' : 'batch', worker, cancel: new Int32Array(cancelBuffer) }
      worker.on('message', (message: WorkerMessage) => this.onMessage(slot, message))
      worker.on('error', (error) => this.onCrash(slot, error))
      // Worker threads must not keep a CLI or test process alive once the work is done.
      worker.unref()
      this.slots.push(slot)
    }
  }

  get size(): number {
    return this.slots.length
  }

  /** Runs one operation on a worker of the given lane; rejects with LikenessError. */
  run<O extends OpName>(op: O, args: OpArgs<O>, options: RunOptions = {}): Promise<OpResult<O>> {
    if (this.closed) return Promise.reject(new LikenessError('Unsupported', 'The engine has been shut down.'))
    if (options.signal?.aborted) return Promise.reject(new LikenessError('Cancelled', 'Cancelled.'))
    return new Promise<OpResult<O>>((resolve, reject) => {
      const task: Task = {
        seq: ++this.seq,
        op,
        args,
        lane: options.lane ?? 'interactive',
        options,
        resolve: resolve as (value: unknown) => void,
        reject
      }
      options.signal?.addEventListener('abort', () => this.cancel(task), { once: true })
      this.queue.push(task)
      this.dispatch()
    })
  }

  /** Runs one operation on every worker at once (backend start-up, model warm-up). */
  broadcast<O extends OpName>(op: O, args: OpArgs<O>, onEach?: (index: number, result: OpResult<O>) => void): Promise<OpResult<O>[]> {
    return Promise.all(
      this.slots.map((slot) =>
        this.runOn(slot, op, args).then((result) => {
          onEach?.(slot.index, result)
          return result
        })
      )
    )
  }

  async workers(): Promise<PoolWorkerInfo[]> {
    await Promise.all(
      this.slots.filter((slot) => !slot.backend).map(async (slot) => (slot.backend = await this.runOn(slot, 'engine.init', {})))
    )
    return this.slots.map((slot) => ({ index: slot.index, lane: slot.lane, busy: slot.task !== undefined, backend: slot.backend }))
  }

  async close(): Promise<void> {
    this.closed = true
    for (const task of this.queue.splice(0)) task.reject(new LikenessError('Cancelled', 'The engine is shutting down.'))
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()))
  }

  private runOn<O extends OpName>(slot: Slot, op: O, args: OpArgs<O>): Promise<OpResult<O>> {
    return new Promise<OpResult<O>>((resolve, reject) => {
      const task: Task = {
        seq: ++this.seq,
        op,
        args,
        lane: slot.lane,
        options: {},
        resolve: resolve as (value: unknown) => void,
        reject
      }
      ;(this.pinned.get(slot) ?? this.pinned.set(slot, []).get(slot)!).push(task)
      this.dispatch()
    })
  }

  private readonly pinned = new Map<Slot, Task[]>()

  private cancel(task: Task): void {
    const queued = this.queue.indexOf(task)
    if (queued >= 0) {
      this.queue.splice(queued, 1)
      task.reject(new LikenessError('Cancelled', 'Cancelled.'))
      return
    }
    const slot = this.slots.find((s) => s.task === task)
    if (slot) Atomics.store(slot.cancel, 0, task.seq)
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.task) continue
      const task = this.pinned.get(slot)?.shift() ?? this.takeFor(slot)
      if (!task) continue
      slot.task = task
      const message: TaskMessage = { type: 'task', seq: task.seq, op: task.op, args: task.args }
      slot.worker.ref()
      slot.worker.postMessage(message)
    }
  }

  /** The reserved worker takes only interactive work; the others take anything, interactive first. */
  private takeFor(slot: Slot): Task | undefined {
    const interactive = this.queue.findIndex((task) => task.lane === 'interactive')
    const index = slot.lane === 'interactive' ? interactive : interactive >= 0 ? interactive : this.queue.length > 0 ? 0 : -1
    return index >= 0 ? this.queue.splice(index, 1)[0] : undefined
  }

  private onMessage(slot: Slot, message: WorkerMessage): void {
    const task = slot.task
    if (!task || task.seq !== message.seq) return
    if (message.type === 'progress') {
      task.options.onProgress?.(message.progress)
      return
    }
    slot.task = undefined
    slot.worker.unref()
    if (message.type === 'done') task.resolve(message.result)
    else task.reject(fromErrorInfo(message.error))
    this.dispatch()
  }

  private onCrash(slot: Slot, error: Error): void {
    const task = slot.task
    slot.task = undefined
    task?.reject(new LikenessError('Internal', `An engine worker stopped: ${error.message}`))
  }
}
