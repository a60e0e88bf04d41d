import { Worker } from 'node:worker_threads'
import os from 'node:os'
import { LikenessError, fromErrorInfo } from '../../shared/errors'
import type { JobProgress } from '../../shared/jobs'
import type { BackendChoice, BackendInfo } from '../engine/backend'
import type { OpArgs, OpName, OpResult } from './ops'
import type { TaskMessage, WorkerData, WorkerMessage } from './protocol'

/**
 * Interactive work (live check-in, a verify) must never wait behind a style or training job, so
 * worker 0 is kept for it; batch work spreads over the others. Each worker has its own backend:
 * wasm runs one thread under Node, so parallelism comes from workers, one per core.
 */
export type Lane = 'interactive' | 'batch'

const maxRespawns = 3

export interface PoolOptions {
  workerScript: URL | string
  /** The data folder: downloaded networks are found under it. */
  dataDir: string
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
  crashes: number
  /** Set when the worker keeps dying (e.g. cannot load its code): no more tasks go to it. */
  dead?: string
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
  /** Tasks for one particular worker (broadcasts), served before the shared queue. */
  private readonly pinned = new Map<Slot, Task[]>()
  private seq = 0
  private closed = false

  constructor(private readonly options: PoolOptions) {
    const size = Math.max(2, options.size ?? os.availableParallelism())
    for (let index = 0; index < size; index++) {
      const cancelBuffer = new SharedArrayBuffer(4)
      const slot: Slot = { index, lane: index === 0 ? 'interactive' : 'batch', worker: this.spawn(index, cancelBuffer), cancel: new Int32Array(cancelBuffer), crashes: 0 }
      this.listen(slot)
      this.slots.push(slot)
    }
  }

  private spawn(index: number, cancelBuffer: SharedArrayBuffer): Worker {
    const data: WorkerData = { index, backend: this.options.backend ?? 'auto', dataDir: this.options.dataDir, cancelBuffer }
    const worker = new Worker(this.options.workerScript, { workerData: data })
    // Worker threads must not keep a CLI or test process alive once the work is done.
    worker.unref()
    return worker
  }

  private listen(slot: Slot): void {
    const worker = slot.worker
    worker.on('message', (message: WorkerMessage) => this.onMessage(slot, message))
    worker.on('error', (error) => this.onCrash(slot, worker, error.message))
    worker.on('exit', (code) => this.onCrash(slot, worker, `exit code ${code}`))
  }

  get size(): number {
    return this.slots.length
  }

  /** Runs one operation on a worker of the given lane; rejects with LikenessError. */
  run<O extends OpName>(op: O, args: OpArgs<O>, options: RunOptions = {}): Promise<OpResult<O>> {
    if (this.closed) return Promise.reject(new LikenessError('Unsupported', 'The engine has been shut down.'))
    const gone = this.slots.every((slot) => slot.dead) ? this.slots[0]!.dead : undefined
    if (gone) return Promise.reject(new LikenessError('Internal', `The engine cannot start: ${gone}`))
    if (options.signal?.aborted) return Promise.reject(new LikenessError('Cancelled', 'Cancelled.'))
    const signal = options.signal
    let onAbort: (() => void) | undefined
    const done = new Promise<OpResult<O>>((resolve, reject) => {
      const task: Task = {
        seq: ++this.seq,
        op,
        args,
        lane: options.lane ?? 'interactive',
        options,
        resolve: resolve as (value: unknown) => void,
        reject
      }
      onAbort = () => this.cancel(task)
      signal?.addEventListener('abort', onAbort, { once: true })
      this.queue.push(task)
      this.dispatch()
    })
    // One job's signal serves many tasks (an evaluation, a scan): each takes its listener away when it ends.
    if (signal && onAbort) {
      const listener = onAbort
      void done.then(
        () => signal.removeEventListener('abort', listener),
        () => signal.removeEventListener('abort', listener)
      )
    }
    return done
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
      this.slots.filter((slot) => !slot.backend && !slot.dead).map(async (slot) => (slot.backend = await this.runOn(slot, 'engine.init', {})))
    )
    return this.slots.map((slot) => ({ index: slot.index, lane: slot.lane, busy: slot.task !== undefined, backend: slot.backend }))
  }

  async close(): Promise<void> {
    this.closed = true
    for (const task of this.queue.splice(0)) task.reject(new LikenessError('Cancelled', 'The engine is shutting down.'))
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()))
  }

  private runOn<O extends OpName>(slot: Slot, op: O, args: OpArgs<O>): Promise<OpResult<O>> {
    if (slot.dead) return Promise.reject(new LikenessError('Internal', `Engine worker ${slot.index} cannot start: ${slot.dead}`))
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
      if (slot.task || slot.dead) continue
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
    const onlyInteractive = slot.lane === 'interactive' && this.slots.some((s) => s.lane === 'batch' && !s.dead)
    const index = onlyInteractive ? interactive : interactive >= 0 ? interactive : this.queue.length > 0 ? 0 : -1
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

  /**
   * A worker that dies (an out-of-memory abort in wasm, a bug) fails its task and is replaced;
   * one that dies again and again is given up, and work is refused rather than queued forever.
   */
  private onCrash(slot: Slot, worker: Worker, reason: string): void {
    if (slot.worker !== worker || this.closed) return
    const task = slot.task
    slot.task = undefined
    slot.backend = undefined
    task?.reject(new LikenessError('Internal', `An engine worker stopped: ${reason}`))
    void worker.terminate()
    slot.crashes++
    if (slot.crashes > maxRespawns) {
      slot.dead = reason
      if (this.slots.every((s) => s.dead)) {
        for (const queued of this.queue.splice(0)) queued.reject(new LikenessError('Internal', `The engine cannot start: ${reason}`))
        for (const pinned of this.pinned.values()) for (const queued of pinned.splice(0)) queued.reject(new LikenessError('Internal', `The engine cannot start: ${reason}`))
      }
      return
    }
    const cancelBuffer = new SharedArrayBuffer(4)
    slot.worker = this.spawn(slot.index, cancelBuffer)
    slot.cancel = new Int32Array(cancelBuffer)
    this.listen(slot)
    this.dispatch()
  }
}
