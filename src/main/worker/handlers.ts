import type { OpHandlers } from '../engine/ops'
import { systemOps } from './system'

/** Every engine operation a worker can run, by name. */
export const handlers: OpHandlers = {
  ...systemOps
}
