import { Worker } from 'node:worker_threads'
import os from 'node:os'
import { LikenessError, fromErrorInfo, toErrorInfo } from '../../shared/errors'
import type { JobProgress } from '../../shared/jobs'
import type { BackendChoice, BackendInfo } from '../engine/backend'
import type { OpArgs, OpName, OpResult } from './ops'
import type { LentMessage, TaskMessage, WorkerData, WorkerMessage } from './protocol'

/**
 * Interactive work (live check-in, a verify) must never wait behind a style or training job, so
 * worker 0 is kept for it; batch work spreads over the others. Each worker has its own backend:
 * wasm runs one thread under Node, so parallelism comes from workers, one per core. A task whose
 * run allows it may borrow an idle worker, the kept one included, for part of its work (a style
 * job's regions); borrowed work gives the worker back at its next step as soon as other work
 * waits for it.
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
  /** Asked whenever the task wants to borrow another worker: whether it may, now. Never when absent. */
  borrowWorkers?: () => boolean
}

interface Task {
  seq: number
  op: OpName
  args: unknown
  lane: Lane
  options: RunOptions
  resolve(value: unknown): void
  reject(error: unknown): void
  /** A borrowed task: the task it runs for, on which worker that one runs, and the borrower's id for it. */
  lentTo?: { borrower: Task; slot: Slot; id: number }
  /** The tasks this one borrowed that have not ended, by the borrower's id. */
  borrowed?: Map<number, Task>
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
    this.recallBorrowed(task)
  }

  /** Stops every worker this task borrowed: it was cancelled, or it ended. */
  private recallBorrowed(task: Task): void {
    for (const lent of task.borrowed?.values() ?? []) this.cancel(lent)
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
    // A lent worker that other work now waits for is given back at its borrowed task's next step.
    for (const slot of this.slots) {
      const task = slot.task
      if (task?.lentTo && ((this.pinned.get(slot)?.length ?? 0) > 0 || this.queueIndexFor(slot) >= 0)) Atomics.store(slot.cancel, 0, task.seq)
    }
  }

  private takeFor(slot: Slot): Task | undefined {
    const index = this.queueIndexFor(slot)
    return index >= 0 ? this.queue.splice(index, 1)[0] : undefined
  }

  /** The reserved worker takes only interactive work; the others take anything, interactive first. */
  private queueIndexFor(slot: Slot): number {
    const interactive = this.queue.findIndex((task) => task.lane === 'interactive')
    const onlyInteractive = slot.lane === 'interactive' && this.slots.some((s) => s.lane === 'batch' && !s.dead)
    return onlyInteractive ? interactive : interactive >= 0 ? interactive : this.queue.length > 0 ? 0 : -1
  }

  /** Workers that could be lent to `borrower` (running on `slot`) now: idle, with nothing waiting for them. */
  private lenders(slot: Slot, borrower: Task): Slot[] {
    if (this.closed || !borrower.options.borrowWorkers?.()) return []
    return this.slots.filter((s) => s !== slot && !s.task && !s.dead && (this.pinned.get(s)?.length ?? 0) === 0 && this.queueIndexFor(s) < 0)
  }

  private answer(slot: Slot, borrower: Task, id: number, outcome: LentMessage['outcome']): void {
    // A borrower that has ended (or whose worker was replaced) asks nothing any more.
    if (slot.task !== borrower) return
    const message: LentMessage = { type: 'lent', id, outcome }
    slot.worker.postMessage(message)
  }

  /** Runs a borrowed task on `lender` at once, its outcome sent to the borrower's worker. */
  private lend(lender: Slot, slot: Slot, borrower: Task, id: number, op: OpName, args: unknown): void {
    const end = (outcome: LentMessage['outcome']): void => {
      borrower.borrowed?.delete(id)
      this.answer(slot, borrower, id, outcome)
    }
    const task: Task = {
      seq: ++this.seq,
      op,
      args,
      lane: lender.lane,
      options: {},
      resolve: (result) => end({ kind: 'done', result }),
      reject: (error) => end({ kind: 'failed', error: toErrorInfo(error) }),
      lentTo: { borrower, slot, id }
    }
    ;(borrower.borrowed ??= new Map()).set(id, task)
    lender.task = task
    const message: TaskMessage = { type: 'task', seq: task.seq, op, args }
    lender.worker.ref()
    lender.worker.postMessage(message)
  }

  /** A task's requests about borrowed workers. */
  private onBorrowing(slot: Slot, task: Task, message: Extract<WorkerMessage, { type: 'borrow' | 'recall' | 'lendable' }>): void {
    if (message.type === 'lendable') return this.answer(slot, task, message.id, { kind: 'lendable', count: this.lenders(slot, task).length })
    if (message.type === 'recall') {
      const lent = task.borrowed?.get(message.id)
      if (lent) this.cancel(lent)
      return
    }
    const lender = this.lenders(slot, task)[0]
    if (lender) this.lend(lender, slot, task, message.id, message.op, message.args)
    else this.answer(slot, task, message.id, { kind: 'declined' })
  }

  private onMessage(slot: Slot, message: WorkerMessage): void {
    const task = slot.task
    if (!task || task.seq !== message.seq) return
    if (message.type === 'progress') {
      task.options.onProgress?.(message.progress)
      return
    }
    if (message.type === 'partial') {
      if (task.lentTo) this.answer(task.lentTo.slot, task.lentTo.borrower, task.lentTo.id, { kind: 'partial', value: message.value })
      return
    }
    if (message.type === 'borrow' || message.type === 'recall' || message.type === 'lendable') return this.onBorrowing(slot, task, message)
    slot.task = undefined
    this.recallBorrowed(task)
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
    if (task) this.recallBorrowed(task)
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
