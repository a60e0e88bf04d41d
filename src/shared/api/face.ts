import { z } from 'zod'
import { job, method } from '../method'
import type { Box } from '../geometry'
import type { ErasureReceipt, WipeResult } from './privacy'
import { cameraFrame, cameraSession, frameTime, type LiveTrack, type LivenessVerdict } from './checkin'

/** Up to this many images in one enroll call; a webcam session takes a handful. */
const maxImagesPerCall = 20
/** A photo's bytes: 60 MB covers a 40-megapixel JPEG with room to spare. */
const imageBytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'bytes of an image').refine((b) => b.byteLength > 0 && b.byteLength <= 60 * 1024 * 1024, 'an image of 1 byte to 60 MB')
const personName = z.string().trim().min(1, 'a name').max(120)
const id = z.string().min(1).max(100)

/** The face detectors: SSD-MobileNetV1 (the default, for photos and enrollment) and face-api's tiny detector. */
export const detectors = ['ssd', 'tiny'] as const
export type Detector = (typeof detectors)[number]

/** Width of the encoder's embedding f(x): dlib's ResNet ends in one matrix product to 128-D. */
export const descriptorDimension = 128
/** Side of the aligned face chip the encoder takes, px (dlib's 150 × 150). */
export const chipSize = 150

/**
 * Same person when d ≤ τ. dlib publishes 0.6 as its threshold on the Euclidean distance (99.38% on
 * LFW); the seed's d is the squared distance ‖f(x1) − f(x2)‖², so the same decision is 0.6² = 0.36.
 */
export const defaultTau = 0.36

/** Shot-quality figures of a face: what the enrollment rule judges a shot by. */
export interface FaceQuality {
  /** Mean brightness of the face crop, 0–255. */
  brightness: number
  /** Variance of the Laplacian of the greyscale face crop: low means blurred. */
  sharpness: number
}

/** The figures an enrollment shot is judged by: the face's smaller side in pixels, and its quality. */
const shotFigures = ['faceSize', 'sharpness', 'brightness'] as const
export type ShotFigure = (typeof shotFigures)[number]

/** One way a shot falls short of the enrollment rule: the figure, its value and the limit it crossed. */
export interface ShotProblem {
  figure: ShotFigure
  value: number
  limit: number
  /** 'min': the value is under the limit (too small, blurred, dark); 'max': over it (too bright). */
  bound: 'min' | 'max'
}

export interface DetectedFace {
  box: Box
  score: number
  quality: FaceQuality
  /** The service's verdict on this face as an enrollment shot: empty when it may be enrolled. */
  problems: ShotProblem[]
}

export interface Detection {
  width: number
  height: number
  faces: DetectedFace[]
}

export interface Person {
  id: string
  name: string
  createdAt: number
  templateCount: number
  photoIds: string[]
}

/** A person as the Gallery lists them: a line each, made in one pass however large the gallery. */
export interface RosterEntry extends Person {
  /** ms since the epoch of the person's latest check-in; null when they never checked in. */
  lastCheckIn: number | null
}

export interface Candidate {
  personId: string
  name: string
  distance: number
}

export interface IdentifiedFace {
  box: Box
  /** null when the nearest person is farther than τ: an unknown face. */
  personId: string | null
  name: string | null
  /** Distance to the nearest template in the gallery; null when the gallery is empty. */
  distance: number | null
  candidates: Candidate[]
}

export interface Identification {
  width: number
  height: number
  threshold: number
  faces: IdentifiedFace[]
}

export interface VerifyResult {
  match: boolean
  distance: number
  threshold: number
  box: Box
  personId: string
  name: string
}

/**
 * A verification at the camera, frame by frame: the face in view (the largest, tracked) is
 * compared with the claimed person over several encodings and, under the verify liveness setting,
 * must prove it is live. `verdict` stays null until both are decided.
 */
export interface LiveVerifyResult {
  width: number
  height: number
  threshold: number
  personId: string
  name: string
  /** The face the verdict is about, as the overlay draws it (its `name` is the claimed person's once matched); null with no face in view. */
  track: LiveTrack | null
  verdict: { match: boolean; distance: number; liveness: LivenessVerdict } | null
}

export interface EnrollResult {
  person: Person
  templatesAdded: number
}

/** `eval` on a labelled folder: one sub-folder of images per person. */
export interface EvalResult {
  people: number
  images: number
  facesFound: number
  positivePairs: number
  negativePairs: number
  auc: number
  eer: number
  /** The τ that maximises balanced accuracy on these pairs. */
  threshold: number
  /** Balanced accuracy at that threshold. */
  accuracy: number
  tarAtFar1e3: number
  /** One-shot identification: each person's first image enrolled, the rest identified. */
  rank1: number
  /** Images in which no usable face was found, and why. */
  missed: { file: string; kind: string }[]
}

export const faceMethods = {
  /** Faces in an image with quality figures: the Enroll view's live boxes. */
  'face.detect': method<Detection>()(z.object({ image: imageBytes, detector: z.enum(detectors).optional() }).strict()),
  /**
   * One template per image. A new name makes a new person; an existing name (any case) adds
   * templates to that person. Several faces in an image are refused unless `faceIndex` picks one
   * (faces are numbered largest first). Nothing is stored unless every image succeeds.
   */
  'face.enroll': method<EnrollResult>()(
    z.object({ name: personName, images: z.array(imageBytes).min(1).max(maxImagesPerCall), faceIndex: z.number().int().min(0).max(100).optional() }).strict()
  ),
  'face.addPhotos': method<EnrollResult>()(
    z.object({ personId: id, images: z.array(imageBytes).min(1).max(maxImagesPerCall), faceIndex: z.number().int().min(0).max(100).optional() }).strict()
  ),
  /** 1:1 on one photo. Refused (LiveFaceRequired) when the verify liveness setting asks for a live face. */
  'face.verify': method<VerifyResult>()(z.object({ personId: id, image: imageBytes }).strict()),
  /** 1:1 on camera frames, one call a frame: see LiveVerifyResult. A new person or a pause starts afresh. */
  'face.verifyLive': method<LiveVerifyResult>()(z.object({ session: cameraSession, at: frameTime, frame: cameraFrame, personId: id }).strict()),
  'face.identify': method<Identification>()(z.object({ image: imageBytes, k: z.number().int().min(1).max(50).optional() }).strict()),
  'face.people': method<Person[]>()(z.object({}).strict()),
  /** Everyone with their counts and latest check-in, for the Gallery's list (tens of thousands of people). */
  'face.roster': method<RosterEntry[]>()(z.object({}).strict()),
  'face.rename': method<Person>()(z.object({ personId: id, name: personName }).strict()),
  'face.removePhoto': method<Person>()(z.object({ photoId: id }).strict()),
  /** Erases the person, their templates, photos and check-in pictures, and backups that held them; answers with a receipt. */
  'face.forget': method<{ removedTemplates: number; receipt: ErasureReceipt }>()(z.object({ personId: id }).strict()),
  /** A stored photo as JPEG: the face crop ('thumbnail') or the whole picture. */
  'face.photo': method<Uint8Array>()(z.object({ photoId: id, kind: z.enum(['thumbnail', 'full']) }).strict()),
  /** Erases every person, template, photo and check-in, and the backups and temporary files that held them. */
  'face.wipe': method<WipeResult>()(z.object({ confirm: z.literal(true) }).strict()),
  /** Measures accuracy on a labelled folder in a scratch gallery (never the user's): a job. */
  'face.evaluate': job<EvalResult>()(z.object({ folder: z.string().min(1).max(4096), detector: z.enum(detectors).optional() }).strict())
}
