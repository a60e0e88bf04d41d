import type { JobProgress } from '../../shared/jobs'
import type { Detector, FaceQuality } from '../../shared/api/face'
import type {
  ConvLayerResult,
  ConvStackSpec,
  FeatureMapsResult,
  NetworkLayers,
  PhotoResult,
  SignalResult,
  UnitTile,
  VolumeResult
} from '../../shared/api/explore'
import type { LossPoint, StyleOptions, StyleQuality } from '../../shared/api/style'
import type { TrainSettings } from '../../shared/api/train'
import type { NetworkId, StyleNetwork } from '../../shared/networks'
import type { BackendInfo } from '../engine/backend'
import type { PhotoKernelName, SignalKernelName, VolumeKernelName } from '../explore/convKernels'
import type { TopPatchScan } from '../explore/topPatches'
import type { PackedImage, PackedRegion } from './styleRegions'
import type { ScaleRecord } from '../style/stylize'
import type { EmbeddingVersion, Face } from '../face/types'
import type { FrameObservation, FramePlan } from '../face/live/observeFrame'
import type { RgbImage } from '../image/decode'
import type { ModelId } from '../models/registry'
import type { FaceSample } from '../train/dataset'
import type { FaceRows, TrainRunResult } from '../train/run'

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

/** A unit's tile as the engine draws it; the service adds the image names. */
export type EngineUnitTile = Omit<UnitTile, 'patches'> & { patches: { imageIndex: number; box: UnitTile['patches'][number]['box']; activation: number }[] }

/** What a worker holds: its backend, how often it loaded each network, and the tensors it keeps. */
export interface WorkerStatus {
  backend: BackendInfo
  loads: Partial<Record<ModelId, number>>
  /** Bytes of live tensors on the backend (the wasm heap holds them). */
  tensorBytes: number
}

/**
 * The engine's operations as the pool sees them: name → what goes in, what comes out.
 * Arguments and results are structured-cloned between threads, so they hold plain data and
 * typed arrays, never tensors. Networks are named, never located: the worker's model cache knows
 * where their files are.
 */
export interface EngineOps {
  'engine.init': { args: Record<string, never>; result: BackendInfo }
  'engine.warmup': { args: { size: number }; result: { seconds: number } }
  'engine.status': { args: Record<string, never>; result: WorkerStatus }
  'face.analyze': {
    /** `embedding`: the gallery's (stock when absent); descriptors are only comparable within one. */
    args: { image: Uint8Array; detector: Detector; keepPhoto?: boolean; thumbnails?: boolean; embedding?: EmbeddingVersion }
    result: AnalyzedImage
  }
  /**
   * One live frame's neural work (observeFrame), as the service's LiveSession planned it; the
   * session's state stays in the service. Descriptors are in `embedding`, like face.analyze's.
   */
  'face.live': {
    args: { frame: RgbImage; plan: FramePlan; embedding?: EmbeddingVersion }
    result: FrameObservation
  }
  /**
   * One stylize run. Reports every iteration (losses in `values`, a PNG `preview` every
   * settings.previewEvery); a cancel ends it early with the picture so far (`complete: false`).
   */
  'style.stylize': {
    args: {
      network: StyleNetwork
      content: Uint8Array
      styles: { image: Uint8Array; weight: number }[]
      settings: StyleOptions
      /** Resuming: the earlier result's PNG to start from. */
      start?: Uint8Array
      /** Engine knobs outside the contract (benchmarks, tests): see StyleParams. */
      engine?: { tileSide?: number; splitWhole?: boolean }
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
      /** Each scale's regions, the worker that painted each, and its seconds. */
      scales: ScaleRecord[]
      /** CPU seconds on this worker's thread, from the network loaded to the result encoded (Linux). */
      cpuSeconds?: number
    }
  }
  /**
   * One region of a stylize run's scale, painted for the worker that runs the run (a borrowed
   * worker): G after each step goes back as a partial value (RegionStep), G at the end as the result.
   */
  'style.paintRegion': { args: PackedRegion; result: { image: PackedImage; worker: number; cpuSeconds?: number } }
  'explore.layers': { args: { network: NetworkId; inputSize: number }; result: NetworkLayers }
  /** Scans one share of a set; images[i] is image firstImageIndex + i of the whole set. */
  'explore.scan': {
    args: { network: NetworkId; layer: string; images: Uint8Array[]; firstImageIndex: number }
    result: { scan: TopPatchScan; sizes: { width: number; height: number }[] }
  }
  /** Grids of the given units; `images` holds (by index) every source image those units' patches come from. */
  'explore.unitGrids': { args: { network: NetworkId; scan: TopPatchScan; units: number[]; images: Record<number, Uint8Array> }; result: EngineUnitTile[] }
  /** An image at the size the network scans it, as PNG. */
  'explore.scanImage': { args: { network: NetworkId; image: Uint8Array }; result: { png: Uint8Array; width: number; height: number } }
  'explore.featureMaps': { args: { network: NetworkId; layer: string; image: Uint8Array }; result: FeatureMapsResult }
  'explore.convShapes': { args: ConvStackSpec; result: ConvLayerResult[] }
  'explore.convSignal': { args: { signal: Float32Array; kernel: SignalKernelName; seed?: number }; result: SignalResult }
  'explore.convPhoto': { args: { image: Uint8Array; kernel: PhotoKernelName; seed?: number }; result: PhotoResult }
  'explore.convVolume': { args: { frames: Uint8Array[]; kernel: VolumeKernelName }; result: VolumeResult }
  /** The largest face of an image, detected, aligned and encoded once; null when there is none. */
  'train.sample': { args: { image: Uint8Array; detector: Detector }; result: FaceSample | null }
  'train.run': { args: { train: FaceRows; validation: FaceRows; settings: TrainSettings }; result: TrainRunResult }
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
  /** This worker's index in the pool (0 is the one kept for interactive work). */
  worker: number
  /** An intermediate value for the task that borrowed this one; dropped when none did. */
  partial(value: unknown): void
  /**
   * Runs `op` on another worker for this task, when the pool lends one now (the task's run allows
   * it and a worker is idle); undefined when it does not. Rejects with LikenessError('Cancelled')
   * when the pool takes the worker back for other work. Aborting `signal` stops it.
   */
  borrow<O extends OpName>(op: O, args: OpArgs<O>, options?: { onPartial?(value: unknown): void; signal?: AbortSignal }): Promise<OpResult<O> | undefined>
  /** How many workers the pool would lend this task now. */
  lendable(): Promise<number>
}

export type OpHandler<O extends OpName> = (args: OpArgs<O>, context: TaskContext) => Promise<OpResult<O>>
export type OpHandlers = { [O in OpName]: OpHandler<O> }
