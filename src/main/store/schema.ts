import { z } from 'zod'
import { defaultSettings, settingsSchema } from '../../shared/api/settings'
import { livenessModes } from '../../shared/api/checkin'
import { fineTuneStages, pairFeatures, trainModes, trainedModelStatuses } from '../../shared/api/train'

/**
 * The shape of db.json, checked on every read: a file on disk is untrusted input too.
 * Bump `currentSchemaVersion` and add a migration in db.ts whenever this changes.
 */
export const currentSchemaVersion = 2

const personRecord = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.number()
})

const photoRecord = z.object({
  id: z.string(),
  personId: z.string(),
  /** Relative to the data folder. */
  file: z.string(),
  createdAt: z.number()
})

/** Which encoder made a template when nothing was trained: only templates of one encoder are compared. */
export const stockEncoder = 'dlib-resnet-face-api'

const templateRecord = z.object({
  id: z.string(),
  personId: z.string(),
  photoId: z.string().nullable(),
  /** Which encoder made it: templates from different encoders are not comparable. */
  encoder: z.string()
})

/** CheckInLiveness, as the log keeps it (the shared server's queue too). */
export const livenessEvidenceSchema = z.object({
  mode: z.enum(livenessModes),
  blinkSeenAt: z.number().nullable(),
  antispoof: z.number().nullable(),
  liveness: z.number().nullable(),
  /** Kept since the moiré cue: older evidence (local log, shared jsonb, queued check-ins) reads as null. */
  moire: z.number().nullable().default(null),
  /** Kept since the expression cue: older evidence reads as null. */
  expression: z.number().nullable().default(null)
})

const checkInRecord = z.object({
  id: z.string(),
  personId: z.string(),
  personName: z.string(),
  at: z.number(),
  distance: z.number(),
  /** Relative to the data folder. */
  thumbnail: z.string().nullable(),
  /** The liveness evidence the check-in was let in on; null before schema 2 kept it. */
  liveness: livenessEvidenceSchema.nullable()
})

const styleResultRecord = z.object({
  id: z.string(),
  createdAt: z.number(),
  file: z.string(),
  params: z.record(z.string(), z.unknown())
})

/** A top-patch scan kept under the data folder, valid while its image set hashes the same. */
const exploreScanRecord = z.object({
  id: z.string(),
  network: z.string(),
  layer: z.string(),
  /** Which set: 'gallery', 'samples' or 'folder:' and its absolute path. */
  setKey: z.string(),
  setHash: z.string(),
  file: z.string(),
  createdAt: z.number()
})

/**
 * A model from the training lab: its numbers in `file` (float32 arrays back to back, lengths in
 * `sizes`); a candidate until the user keeps it, deleted when reverted.
 */
const trainedModelRecord = z.object({
  id: z.string(),
  mode: z.enum(trainModes),
  createdAt: z.number(),
  status: z.enum(trainedModelStatuses),
  file: z.string(),
  sizes: z.array(z.number().int().nonnegative()),
  /** The logistic verification head ŷ = σ(w·φ + b), when one was trained. */
  pairHead: z.object({ feature: z.enum(pairFeatures), weights: z.array(z.number()), bias: z.number() }).optional(),
  /** Mode 'finetune': the first stage the stored values begin at. */
  stage: z.enum(fineTuneStages).optional(),
  validationAucBefore: z.number(),
  validationAucAfter: z.number()
})

/**
 * The embedding the gallery's templates are in, and so the one every analysis computes: the stock
 * encoder, or it with a kept fine-tuned encoder and/or projection head. Its files are private
 * copies (relative to the data folder), so reverting the trained model cannot pull them away.
 */
const embeddingRecord = z.object({
  id: z.string(),
  finetune: z.object({ file: z.string(), stage: z.enum(fineTuneStages) }).optional(),
  head: z.object({ file: z.string() }).optional()
})

/** The shared gallery this desk uses: a connection string without password, the password sealed by the OS keychain (base64). */
const sharedConnectionRecord = z.object({
  url: z.string(),
  sealedPassword: z.string().optional()
})

export const dbSchema = z.object({
  schemaVersion: z.number().int(),
  // Settings added later take their defaults in a file written before them.
  settings: z.preprocess((stored) => (typeof stored === 'object' && stored !== null ? { ...defaultSettings, ...stored } : stored), settingsSchema),
  people: z.array(personRecord),
  photos: z.array(photoRecord),
  /** Row i of the template matrix file belongs to templates[i]. */
  templates: z.array(templateRecord),
  /**
   * The template matrix file in use. A deletion writes a new file and switches this name in the
   * same write that drops the records, so the two never disagree after a crash.
   */
  templateFile: z.string(),
  checkIns: z.array(checkInRecord),
  styleResults: z.array(styleResultRecord),
  exploreScans: z.array(exploreScanRecord).default([]),
  trainedModels: z.array(trainedModelRecord).default([]),
  embedding: embeddingRecord.default({ id: stockEncoder }),
  sharedGallery: sharedConnectionRecord.nullable().default(null)
})

export type DbData = z.infer<typeof dbSchema>
export type PersonRecord = z.infer<typeof personRecord>
export type PhotoRecord = z.infer<typeof photoRecord>
export type TemplateRecord = z.infer<typeof templateRecord>
export type CheckInRecord = z.infer<typeof checkInRecord>
export type StyleResultRecord = z.infer<typeof styleResultRecord>
export type ExploreScanRecord = z.infer<typeof exploreScanRecord>
export type TrainedModelRecord = z.infer<typeof trainedModelRecord>
export type EmbeddingRecord = z.infer<typeof embeddingRecord>
export type SharedConnectionRecord = z.infer<typeof sharedConnectionRecord>

export function emptyDb(): DbData {
  return {
    schemaVersion: currentSchemaVersion,
    settings: { ...defaultSettings },
    people: [],
    photos: [],
    templates: [],
    templateFile: 'templates-1.lktm',
    checkIns: [],
    styleResults: [],
    exploreScans: [],
    trainedModels: [],
    embedding: { id: stockEncoder },
    sharedGallery: null
  }
}
