import { z } from 'zod'
import { job, method } from '../method'
import type { ShotProblem } from './face'
import type { Box } from '../geometry'
import type { ErrorKind } from '../errors'
import { passphrase } from './privacy'

/** The largest camera frame the front desk takes: 1280×720 (the view sends 640×480). */
export const maxFramePixels = 1280 * 720
/**
 * A camera frame as raw RGB, 3 bytes a pixel, row by row: what a client that already holds the
 * pixels sends (a video file read in-process), so nothing is encoded only to be decoded again.
 */
const rgbFrame = z
  .object({
    width: z.number().int().min(32).max(1920),
    height: z.number().int().min(32).max(1920),
    rgb: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'RGB bytes of a frame')
  })
  .strict()
  .refine((f) => f.width * f.height <= maxFramePixels, 'a frame of at most 1280×720 pixels')
  .refine((f) => f.rgb.byteLength === f.width * f.height * 3, 'width × height × 3 bytes of RGB')
/**
 * A camera frame as JPEG, what the camera views send: 640×480 is 30–50 kB against 921 kB of RGB,
 * and in Chromium the socket's cost grows faster than the bytes (docs/front-desk.md). A larger
 * picture is scaled down to the largest frame taken.
 */
const jpegFrame = z
  .object({ jpeg: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'JPEG bytes of a frame').refine((b) => b.byteLength <= 4 * 1024 * 1024, 'a frame of at most 4 MB') })
  .strict()
export const cameraFrame = z.union([rgbFrame, jpegFrame])
export type CameraFrame = z.infer<typeof cameraFrame>
/** Names the camera view (or watched video) a frame belongs to: each has its own tracks. */
export const cameraSession = z.string().min(1).max(100)
/** A frame's capture time, ms since the epoch. */
export const frameTime = z.number().min(0)
/** The gallery file holds photos: 500 MB is some thousands of people. */
const galleryBytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'bytes of a gallery file').refine((b) => b.byteLength <= 500 * 1024 * 1024, 'a gallery file of at most 500 MB')
const time = z.number().int().min(0)
/** A time span [from, to) in ms since the epoch; the renderer knows the local day, so it sends the bounds. */
const span = z.object({ from: time.optional(), to: time.optional() }).strict()

/**
 * What a check-in needs besides a name: nothing, the passive spoof networks' say-so, or that and
 * a blink. The modes are cumulative: a replayed video blinks, a good print can fool one network.
 */
export const livenessModes = ['off', 'passive', 'blink'] as const
export type LivenessMode = (typeof livenessModes)[number]

/** The evidence a check-in was let in on, kept in the log with it. */
export interface CheckInLiveness {
  mode: LivenessMode
  /** When the track's last blink was seen (ms since the epoch); null when none was. */
  blinkSeenAt: number | null
  /** Medians of the passive networks' scores over the track's last frames; null before any. */
  antispoof: number | null
  liveness: number | null
  /** Median prominence of a screen's moiré on the face (a screen at 10 and over); null before any, and in check-ins logged before it was kept. */
  moire: number | null
  /** The largest change of the mouth's shape over 2 s (speech, a smile; 0.08 and over stands in for a blink); null before any, and in check-ins logged before it was kept. */
  expression: number | null
}

export interface CheckIn {
  id: string
  personId: string
  personName: string
  /** ms since the epoch. */
  at: number
  distance: number
  /** Whether a face thumbnail was kept (it is dropped when the person is forgotten). */
  hasThumbnail: boolean
  /** The liveness evidence; null for check-ins logged before it was kept. */
  liveness: CheckInLiveness | null
}

/** Where a tracked face stands on liveness: not yet decided, live, or judged a spoof. */
export type LivenessVerdict = 'pending' | 'live' | 'spoof'

/** A face followed across the session's frames. */
export interface LiveTrack {
  /** Stable while the face stays in view. */
  id: number
  /** Smoothed across frames, in the frame's pixels: what the overlay draws. */
  box: Box
  /** The vote over the track's encodings; null while undecided or unknown. */
  personId: string | null
  name: string | null
  /** The latest distance to the voted person's nearest template (or to anyone, when unknown). */
  distance: number | null
  /** Whether the vote has decided (a name, or unknown). */
  decided: boolean
  liveness: LivenessVerdict
  /** What the verdict rests on so far (a check-in keeps it with the mode). */
  evidence: Omit<CheckInLiveness, 'mode'>
  /** What the overlay asks of the person: a blink, until one is seen (blink mode). */
  prompt: 'blink' | null
  /** This track's person was checked in during the session (now or on an earlier frame). */
  checkedIn: boolean
}

/** One frame's answer: the tracked faces, and who this frame checked in (usually nobody). */
export interface FrameResult {
  width: number
  height: number
  threshold: number
  tracks: LiveTrack[]
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
export type GalleryFileProblem = 'not-a-gallery-file' | 'truncated' | 'checksum' | 'newer-schema' | 'malformed' | 'other-encoder' | 'needs-passphrase' | 'wrong-passphrase'

export const checkinMethods = {
  /**
   * One camera frame of a session: the faces are tracked across the session's frames, each track
   * named by a vote over its encodings and judged live under the liveness setting; a named, live
   * track checks its person in (once per track, and not within the interval). `session` names the
   * camera view asking, so two windows never share tracks; `at` is the frame's capture time (ms
   * since the epoch); `dryRun` decides without writing to the log.
   */
  'checkin.frame': method<FrameResult>()(
    z.object({ session: cameraSession, at: frameTime, frame: cameraFrame, dryRun: z.boolean().optional() }).strict()
  ),
  /** The attendance log in a time span, newest first. */
  'checkin.log': method<CheckIn[]>()(span),
  /** The log in a time span as CSV: time (ISO 8601), person, distance. */
  'checkin.csv': method<string>()(span),
  /** The face thumbnail kept with a check-in, as JPEG. */
  'checkin.thumbnail': method<Uint8Array>()(z.object({ checkInId: z.string().min(1).max(100) }).strict()),
  /** The whole gallery (people, templates, photos) as one file, encrypted with a passphrase the user types. */
  'gallery.export': method<Uint8Array>()(z.object({ passphrase }).strict()),
  /**
   * Merges a gallery file by name: a job, since every photo is checked against the enrollment rule
   * again. A wrong passphrase (WrongKey), a corrupt file or one from a newer Likeness is refused at
   * once and changes nothing. A file from before exports were encrypted needs no passphrase.
   */
  'gallery.import': job<GalleryImportResult>()(z.object({ file: galleryBytes, passphrase: passphrase.optional() }).strict())
}
