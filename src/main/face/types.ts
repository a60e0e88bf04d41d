import type { Box, Point } from '../../shared/geometry'
import type { FineTuneStage } from '../../shared/api/train'

/** One face found in a photo, in the photo's original pixel coordinates. */
export interface Face {
  box: Box
  /** Detector confidence in [0, 1]. */
  score: number
  /** The 68 iBUG points: jaw 0–16, brows 17–26, nose 27–35, eyes 36–47, mouth 48–67. */
  landmarks: Point[]
  /** f(x), the 128-D embedding of the aligned chip. */
  descriptor: Float32Array
}

/**
 * Which embedding the face pipeline computes: the stock encoder, optionally with fine-tuned stages
 * and a projection head, each read from a stored file (absolute path). Templates are only
 * comparable within one `id`.
 */
export interface EmbeddingVersion {
  id: string
  /** The variables from `stage` on, in encoderVariables order (what a fine-tuning run stores). */
  finetune?: { file: string; stage: FineTuneStage }
  /** W (128×128) then b of a projection head g(f) = normalise(W·f + b). */
  head?: { file: string }
}
