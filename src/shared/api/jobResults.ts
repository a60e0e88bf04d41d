import type { WarmupResult } from './system'
import type { EvalResult } from './face'
import type { ScanSummary } from './explore'
import type { ModelInstallResult, StyleRunResult } from './style'
import type { CalibrationResult, ReencodeResult, TrainResult } from './train'

/** What each kind of long job produces when it finishes. */
export interface JobResults {
  'engine.warmup': WarmupResult
  'face.evaluate': EvalResult
  'explore.scan': ScanSummary
  'style.run': StyleRunResult
  'style.download': ModelInstallResult
  'train.run': TrainResult
  'train.calibrate': CalibrationResult
  'train.reencode': ReencodeResult
}
