import { z } from 'zod'
import { job, method } from '../method'
import type { IdentifiedFace, ShotProblem } from './face'
import type { ErrorKind } from '../errors'

/** A camera frame as JPEG: a 1080p frame is well under 2 MB. */
const frameBytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'bytes of a JPEG frame').refine((b) => b.byteLength > 0 && b.byteLength <= 8 * 1024 * 1024, 'a frame of 1 byte to 8 MB')
/** The gallery file holds photos: 500 MB is some thousands of people. */
const galleryBytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'bytes of a gallery file').refine((b) => b.byteLength <= 500 * 1024 * 1024, 'a gallery file of at most 500 MB')
const time = z.number().int().min(0)
/** A time span [from, to) in ms since the epoch; the renderer knows the local day, so it sends the bounds. */
const span = z.object({ from: time.optional(), to: time.optional() }).strict()

export interface CheckIn {
  id: string
  personId: string
  personName: string
  /** ms since the epoch. */
  at: number
  distance: number
  /** Whether a face thumbnail was kept (it is dropped when the person is forgotten). */
  hasThumbnail: boolean
}

/** One frame's answer: every face identified, and who this frame checked in (usually nobody). */
export interface FrameResult {
  width: number
  height: number
  threshold: number
  faces: IdentifiedFace[]
  checkedIn: CheckIn[]
}

/** What the gallery file held and what importing it changed. */
export interface GalleryImportResult {
  /** People whose name was new: added as new people. */
  peopleAdded: number
  /** People whose name (any case) was already in the gallery: their templates were added to that person. */
  peopleMerged: number
  templatesAdded: number
  /** Templates already in the gallery (a file imported twice): skipped. */
  templatesSkipped: number
  /** Templates whose photo the enrollment rule refuses here (PoorShot), or where no face was found again: left out. */
  refused: { name: string; kind: ErrorKind; problems: ShotProblem[] }[]
}

/** Why a gallery file was refused; the error's `detail.problem`. */
export type GalleryFileProblem = 'not-a-gallery-file' | 'truncated' | 'checksum' | 'newer-schema' | 'malformed' | 'other-encoder'

export const checkinMethods = {
  /**
   * Identifies every face in one camera frame and checks in whoever has now been recognised in
   * enough recent frames of this session (and not checked in within the interval). `session`
   * names the camera view asking, so two windows never count each other's frames.
   */
  'checkin.frame': method<FrameResult>()(z.object({ image: frameBytes, session: z.string().min(1).max(100) }).strict()),
  /** The attendance log in a time span, newest first. */
  'checkin.log': method<CheckIn[]>()(span),
  /** The log in a time span as CSV: time (ISO 8601), person, distance. */
  'checkin.csv': method<string>()(span),
  /** The face thumbnail kept with a check-in, as JPEG. */
  'checkin.thumbnail': method<Uint8Array>()(z.object({ checkInId: z.string().min(1).max(100) }).strict()),
  /** The whole gallery (people, templates, photos) as one checksummed file. */
  'gallery.export': method<Uint8Array>()(z.object({}).strict()),
  /**
   * Merges a gallery file by name: a job, since every photo is checked against the enrollment rule
   * again. A corrupt file or one from a newer Likeness is refused at once and changes nothing.
   */
  'gallery.import': job<GalleryImportResult>()(z.object({ file: galleryBytes }).strict())
}
