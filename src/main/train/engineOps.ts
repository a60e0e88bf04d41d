import type { FineTuneStage, TrainSettings } from '../../shared/api/train'
import type { FaceSample } from './dataset'
import type { PairHead } from './pairHead'
import type { TripletStep } from './tripletTraining'
import { chipSize, type Detector } from '../../shared/api/face'

/** An aligned chip as bytes: 150 × 150 pixels × RGB. */
export const chipLength = chipSize * chipSize * 3

/** Faces of one split as plain data: descriptors n×128 and chips n×150×150×3 bytes, row-major. */
export interface FaceRows {
  labels: string[]
  descriptors: Float32Array
  chips: Uint8Array
}

export interface TrainRunResult {
  history: TripletStep[]
  /** The validation faces through the trained embedding, n×128. */
  validationEmbeddings: Float32Array
  /** Mode 'head': W (128×128) and b of the projection head; mode 'finetune': the trained stages' variables. */
  values: Float32Array[]
  pairHead?: PairHead
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

/** The training lab's engine operations (see engine/ops.ts). */
export interface TrainOps {
  /** The largest face of an image, detected, aligned and encoded once; null when there is none. */
  'train.sample': { args: { image: Uint8Array; detector: Detector }; result: FaceSample | null }
  'train.run': { args: { train: FaceRows; validation: FaceRows; settings: TrainSettings }; result: TrainRunResult }
}
