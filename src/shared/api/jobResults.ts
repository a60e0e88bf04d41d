import type { WarmupResult } from './system'

/** What each kind of long job produces when it finishes. */
export interface JobResults {
  'engine.warmup': WarmupResult
}
