import { parentPort, workerData } from 'node:worker_threads'
import { LikenessError, toErrorInfo } from '../../shared/errors'
import { initBackend } from '../engine/backend'
import type { OpHandler, OpName, TaskContext } from './ops'
import type { TaskMessage, WorkerData, WorkerMessage } from './protocol'
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

port.on('message', async (message: TaskMessage) => {
  const { seq } = message
  const context: TaskContext = {
    report: (progress) => post({ type: 'progress', seq, progress }),
    isCancelled: () => Atomics.load(cancelSlot, 0) === seq,
    throwIfCancelled: () => {
      if (Atomics.load(cancelSlot, 0) === seq) throw new LikenessError('Cancelled', 'Cancelled.')
    }
  }
  try {
    await ready
    const handler = handlers[message.op] as OpHandler<OpName> | undefined
    if (!handler) throw new LikenessError('BadRequest', `Unknown engine operation ${message.op}.`)
    const result = await handler(message.args as never, context)
    post({ type: 'done', seq, result })
  } catch (error) {
    post({ type: 'failed', seq, error: toErrorInfo(error) })
  }
})
