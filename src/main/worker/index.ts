import { parentPort, workerData } from 'node:worker_threads'
import { LikenessError, fromErrorInfo, toErrorInfo } from '../../shared/errors'
import { initBackend } from '../engine/backend'
import type { OpHandler, OpName, TaskContext } from './ops'
import type { LentMessage, TaskMessage, ToWorkerMessage, WorkerData, WorkerMessage } from './protocol'
import { handlers } from './handlers'

// An engine worker: one tfjs backend, one task at a time (the pool never sends a second
// before the first answers), cancel read from shared memory so a busy loop sees it at once.
const data = workerData as WorkerData
const cancelSlot = new Int32Array(data.cancelBuffer)
const port = parentPort
if (!port) throw new Error('engine worker started outside a worker thread')

const ready = initBackend(data.backend)

function post(message: WorkerMessage): void {
  port!.postMessage(message)
}

/** Answers awaited from the pool about borrowed workers, by request id. */
const awaiting = new Map<number, (outcome: LentMessage['outcome']) => void>()
let lastRequest = 0

function request(message: (id: number) => WorkerMessage, onOutcome: (outcome: LentMessage['outcome']) => void): number {
  const id = ++lastRequest
  awaiting.set(id, onOutcome)
  post(message(id))
  return id
}

function taskContext(seq: number): TaskContext {
  return {
    report: (progress) => post({ type: 'progress', seq, progress }),
    isCancelled: () => Atomics.load(cancelSlot, 0) === seq,
    throwIfCancelled: () => {
      if (Atomics.load(cancelSlot, 0) === seq) throw new LikenessError('Cancelled', 'Cancelled.')
    },
    worker: data.index,
    partial: (value) => post({ type: 'partial', seq, value }),
    borrow: (op, args, options = {}) =>
      new Promise((resolve, reject) => {
        let id = 0
        const recall = (): void => post({ type: 'recall', seq, id })
        id = request(
          (id) => ({ type: 'borrow', seq, id, op, args }),
          (outcome) => {
            if (outcome.kind === 'partial') return options.onPartial?.(outcome.value)
            awaiting.delete(id)
            options.signal?.removeEventListener('abort', recall)
            if (outcome.kind === 'done') resolve(outcome.result as never)
            else if (outcome.kind === 'failed') reject(fromErrorInfo(outcome.error))
            else resolve(undefined)
          }
        )
        if (options.signal?.aborted) recall()
        else options.signal?.addEventListener('abort', recall, { once: true })
      }),
    lendable: () =>
      new Promise((resolve) => {
        const id = request(
          (id) => ({ type: 'lendable', seq, id }),
          (outcome) => {
            awaiting.delete(id)
            resolve(outcome.kind === 'lendable' ? outcome.count : 0)
          }
        )
      })
  }
}

port.on('message', async (message: ToWorkerMessage) => {
  if (message.type === 'lent') {
    awaiting.get(message.id)?.(message.outcome)
    return
  }
  await runTask(message)
})

async function runTask(message: TaskMessage): Promise<void> {
  const { seq } = message
  const context = taskContext(seq)
  try {
    await ready
    const handler = handlers[message.op] as OpHandler<OpName> | undefined
    if (!handler) throw new LikenessError('BadRequest', `Unknown engine operation ${message.op}.`)
    const result = await handler(message.args as never, context)
    post({ type: 'done', seq, result })
  } catch (error) {
    post({ type: 'failed', seq, error: toErrorInfo(error) })
  }
}
