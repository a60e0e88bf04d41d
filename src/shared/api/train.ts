import { z } from 'zod'
import { job, method } from '../method'
import { detectors } from './face'

export const trainModes = ['head', 'finetune'] as const
export type TrainMode = (typeof trainModes)[number]
export const miningStrategies = ['hard', 'semihard', 'random'] as const
export type MiningStrategy = (typeof miningStrategies)[number]
/**
 * Where fine-tuning starts: the last residual stage and the projection (the default, the seed's
 * "fine-tune the last layers"), or the projection alone.
 */
export const fineTuneStages = ['conv256', 'fc'] as const
export type FineTuneStage = (typeof fineTuneStages)[number]
export const pairFeatures = ['abs', 'chi2'] as const
export type PairFeatureName = (typeof pairFeatures)[number]

const folderPath = z.string().trim().min(1).max(4096)

/** Where the labelled faces come from: a folder with one sub-folder per person, or the gallery's stored photos. */
const datasetSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('folder'), folder: folderPath, validationFolder: folderPath.optional() }).strict(),
  z.object({ kind: z.literal('gallery') }).strict()
])
export type DatasetSource = z.infer<typeof datasetSource>

export const trainSettings = z
  .object({
    mode: z.enum(trainModes).default('head'),
    mining: z.enum(miningStrategies).default('hard'),
    epochs: z.number().int().min(1).max(500).default(20),
    /** α, the margin of the triplet loss. */
    alpha: z.number().min(0).max(2).default(0.2),
    learningRate: z.number().positive().max(1).optional(),
    /** P × K per batch. */
    peoplePerBatch: z.number().int().min(2).max(64).default(6),
    imagesPerPerson: z.number().int().min(2).max(32).default(4),
    pairFeature: z.enum(pairFeatures).default('abs'),
    stage: z.enum(fineTuneStages).default('conv256'),
    /** Share of the people held out for validation when no validation folder is given. */
    validationShare: z.number().min(0.1).max(0.9).default(0.3),
    seed: z.number().int().min(0).max(2 ** 31).default(1),
    detector: z.enum(detectors).optional()
  })
  .strict()
export type TrainSettings = z.infer<typeof trainSettings>

export interface RocPoint {
  far: number
  tar: number
}

export interface VerificationMetrics {
  auc: number
  eer: number
  tarAtFar1e2: number
  tarAtFar1e3: number
  roc: RocPoint[]
}

export interface DatasetSummary {
  people: number
  images: number
  peopleWithPairs: number
  /** Used only as negatives: they have no second image to be a positive. */
  singleImagePeople: number
}

export interface TrainResult {
  mode: TrainMode
  train: DatasetSummary
  validation: DatasetSummary
  /** Images where no face was found or that could not be read. */
  missed: { file: string; kind: string }[]
  steps: number
  /** Mean triplet loss per step and the share of active triplets, as the live curve showed them. */
  history: { loss: number[]; activeShare: number[] }
  /** On the validation people: plain distance before, the trained embedding after. */
  before: VerificationMetrics
  after: VerificationMetrics
  /** The logistic verification head on the same validation pairs (mode 'head'). */
  pairHead?: VerificationMetrics
  /** The stored model, kept as a candidate until kept or reverted. */
  modelId: string
}

export interface TauPoint {
  gallerySize: number
  tau: number
  perComparisonFar: number
  empiricalFar: number
  tar: number
}

export interface CalibrationResult {
  targetFar: number
  gallerySize: number
  /** The τ (squared distance) for the asked gallery size. */
  chosen: TauPoint
  curve: TauPoint[]
  genuinePairs: number
  impostorPairs: number
  /** With fewer than 1/p impostor pairs the data cannot show p; τ then sits below every impostor. */
  limitedByData: boolean
}

/** A trained model stays a candidate until the user keeps it; reverting deletes it. */
export const trainedModelStatuses = ['candidate', 'kept'] as const

export interface TrainedModel {
  id: string
  mode: TrainMode
  createdAt: number
  status: (typeof trainedModelStatuses)[number]
  validationAucBefore: number
  validationAucAfter: number
}

/** A finished re-encode: the gallery's embedding now, and its templates. */
export interface ReencodeResult {
  embedding: string
  templates: number
  /** Templates whose stored photo no longer gave a face (or that had none): removed. */
  dropped: number
}

export const trainMethods = {
  'train.start': job<TrainResult>()(z.object({ source: datasetSource, settings: trainSettings.prefault({}) }).strict()),
  'train.calibrate': job<CalibrationResult>()(
    z
      .object({
        source: datasetSource,
        far: z.number().positive().max(0.5).default(1e-3),
        gallerySize: z.number().int().min(1).max(10_000_000),
        detector: z.enum(detectors).optional()
      })
      .strict()
  ),
  'train.models': method<TrainedModel[]>()(z.object({}).strict()),
  'train.keep': method<TrainedModel[]>()(z.object({ modelId: z.string().min(1).max(100) }).strict()),
  'train.revert': method<TrainedModel[]>()(z.object({ modelId: z.string().min(1).max(100) }).strict()),
  /**
   * Moves the gallery to the kept models (fine-tuned encoder and/or projection head, or the stock
   * encoder when none is kept): a job that re-encodes every template from its stored photo.
   * Check-in keeps the old embedding until the job switches templates and embedding together.
   */
  'train.reencode': job<ReencodeResult>()(z.object({}).strict())
}
