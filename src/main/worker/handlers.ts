import type { OpHandlers } from './ops'
import { systemOps } from './system'
import { faceOps } from './face'
import { exploreOps } from './explore'
import { styleOps } from './style'
import { trainOps } from './train'

/** Every engine operation a worker can run, by name. */
export const handlers: OpHandlers = {
  ...systemOps,
  ...faceOps,
  ...exploreOps,
  ...styleOps,
  ...trainOps
}
