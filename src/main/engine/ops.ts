import type { JobProgress } from '../../shared/jobs'
import type { BackendInfo } from './backend'
import type { DetectorKind, Face } from '../face/types'
import type { FaceQuality } from '../face/quality'
import type { ExploreOps } from '../explore/engineOps'
import type { EmbeddingVersion, TrainOps } from '../train/engineOps'
import type { LossPoint, StyleNetwork, StyleOptions, StyleQuality } from '../../shared/api/style'

export interface AnalyzedFace extends Face {
  quality: FaceQuality
  /** JPEG of the face with some margin, when asked for. */
  thumbnail?: Uint8Array
}

export interface AnalyzedImage {
  width: number
  height: number
  faces: AnalyzedFace[]
  /** The decoded picture as a JPEG no larger than the store keeps, when asked for. */
  photo?: Uint8Array
}

/**
 * The engine's operations as the pool sees them: name → what goes in, what comes out.
 * Arguments and results are structured-cloned between threads, so they hold plain data and
 * typed arrays, never tensors.
 */
export interface EngineOps extends ExploreOps, TrainOps {
  'engine.init': { args: Record<string, never>; result: BackendInfo }
  'engine.warmup': { args: { size: number }; result: { seconds: number } }
  'face.analyze': {
    /** `embedding`: the gallery's (stock when absent); descriptors are only comparable within one. */
    args: { image: Uint8Array; detector: DetectorKind; keepPhoto?: boolean; thumbnails?: boolean; embedding?: EmbeddingVersion }
    result: AnalyzedImage
  }
  /**
   * One stylize run. Reports every iteration (losses in `values`, a PNG `preview` every
   * settings.previewEvery); a cancel ends it early with the picture so far (`complete: false`).
   */
  'style.stylize': {
    args: {
      network: StyleNetwork
      vgg19File: string
      content: Uint8Array
      styles: { image: Uint8Array; weight: number }[]
      settings: StyleOptions
      /** Resuming: the earlier result's PNG to start from. */
      start?: Uint8Array
    }
    result: {
      image: Uint8Array
      width: number
      height: number
      history: LossPoint[]
      complete: boolean
      /** The inputs as the run used them (PNG, scaled to what the settings need): kept for resuming. */
      content: Uint8Array
      styles: Uint8Array[]
      quality: StyleQuality
    }
  }
}

export type OpName = keyof EngineOps
export type OpArgs<O extends OpName> = EngineOps[O]['args']
export type OpResult<O extends OpName> = EngineOps[O]['result']

/** What a handler gets besides its arguments: a way to report progress and to see a cancel. */
export interface TaskContext {
  report(progress: JobProgress): void
  isCancelled(): boolean
  /** Throws LikenessError('Cancelled') when the task was cancelled; call it between steps. */
  throwIfCancelled(): void
}

export type OpHandler<O extends OpName> = (args: OpArgs<O>, context: TaskContext) => Promise<OpResult<O>>
export type OpHandlers = { [O in OpName]: OpHandler<O> }
