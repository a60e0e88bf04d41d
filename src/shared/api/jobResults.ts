import type { WarmupResult } from './system'
import type { EvalResult } from './face'
import type { ScanSummary } from './explore'

/** What each kind of long job produces when it finishes. */
export interface JobResults {
  'engine.warmup': WarmupResult
  'face.evaluate': EvalResult
  'explore.scan': ScanSummary
}
