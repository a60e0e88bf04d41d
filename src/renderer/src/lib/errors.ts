import type { GalleryFileProblem } from '../../../shared/api/checkin'
import type { ShotProblem } from '../../../shared/api/face'
import { toErrorInfo, type ErrorInfo, type ErrorKind } from '../../../shared/errors'
import { networkLabels, type NetworkId } from '../../../shared/networks'
import { m } from '../paraglide/messages'
import { problemAdvice } from './shotAdvice'

/**
 * A typed error in the window's language. The main process speaks English (for the CLI and the
 * logs); here the error's kind picks the headline and its detail's figures fill the sentence
 * under it. The service's own sentence stays at hand as `technical`, for a support request.
 */
export interface ErrorText {
  kind: ErrorKind
  headline: string
  /** What the detail tells, in the window's language; empty when the detail has nothing to add. */
  detail: string
  /** The main process's message, in English. */
  technical: string
}

const headlines: Record<ErrorKind, () => string> = {
  BadRequest: m.error_bad_request,
  NotAnImage: m.error_not_an_image,
  CorruptImage: m.error_corrupt_image,
  ImageTooLarge: m.error_image_too_large,
  NoFace: m.error_no_face,
  ManyFaces: m.error_many_faces,
  FaceTooSmall: m.error_face_too_small,
  PoorShot: m.error_poor_shot,
  UnknownPerson: m.error_unknown_person,
  NotFound: m.error_not_found,
  ModelUnavailable: m.error_model_unavailable,
  ChecksumMismatch: m.error_checksum_mismatch,
  TooBigForBackend: m.error_too_big_for_backend,
  Cancelled: m.error_cancelled,
  Busy: m.error_busy,
  StoreCorrupt: m.error_store_corrupt,
  Unsupported: m.error_unsupported,
  Offline: m.error_offline,
  WrongKey: m.error_wrong_key,
  Locked: m.error_locked,
  LiveFaceRequired: m.error_live_face_required,
  Internal: m.error_internal
}

const galleryFileProblems: Record<GalleryFileProblem, () => string> = {
  'not-a-gallery-file': m.gallery_file_not_a_gallery_file,
  truncated: m.gallery_file_truncated,
  checksum: m.gallery_file_checksum,
  'newer-schema': m.gallery_file_newer_schema,
  malformed: m.gallery_file_malformed,
  'other-encoder': m.gallery_file_other_encoder,
  'needs-passphrase': m.gallery_file_needs_passphrase,
  'wrong-passphrase': m.gallery_file_wrong_passphrase
}

/** Where the bridge client lost or never reached the main process (its own errors carry this detail). */
export type BridgeProblem = 'lost' | 'unreachable'

const number = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined)

/** The sentences the detail's figures make, by kind. */
function details({ kind, detail = {} }: ErrorInfo): string[] {
  const sentences: string[] = []
  const image = number(detail.image)
  switch (kind) {
    case 'PoorShot':
      if (Array.isArray(detail.problems)) sentences.push(...(detail.problems as ShotProblem[]).map(problemAdvice))
      break
    case 'ManyFaces': {
      const count = number(detail.faces)
      if (count !== undefined) sentences.push(m.error_many_faces_detail({ count }))
      break
    }
    case 'FaceTooSmall': {
      const [size, min] = [number(detail.size), number(detail.minFaceSize)]
      if (size !== undefined && min !== undefined) sentences.push(m.error_face_too_small_detail({ size, min }))
      break
    }
    case 'TooBigForBackend': {
      const [size, largest] = [number(detail.size), number(detail.largestSize)]
      sentences.push(size !== undefined && largest !== undefined ? m.error_too_big_detail({ size, largest }) : m.error_too_big_smaller())
      break
    }
    case 'ModelUnavailable':
      if (typeof detail.model === 'string' && detail.model in networkLabels) sentences.push(m.error_model_detail({ network: networkLabels[detail.model as NetworkId] }))
      break
    case 'BadRequest': {
      const issues = detail.issues as { path: string[] }[] | undefined
      const field = issues?.[0]?.path.join('.') || (typeof detail.field === 'string' ? detail.field : undefined)
      if (field) sentences.push(m.error_bad_field({ field }))
      break
    }
    case 'WrongKey':
      if (detail.problem === 'wrong-pin') sentences.push(m.error_wrong_pin())
      if (detail.problem === 'wrong-gallery-passphrase') sentences.push(m.error_gallery_passphrase_wrong())
      if (detail.problem === 'needs-gallery-passphrase') sentences.push(m.error_gallery_passphrase_needed())
      if (detail.problem === 'gallery-not-sealed') sentences.push(m.error_gallery_not_sealed())
      break
    case 'Locked': {
      const wait = number(detail.retryAfterMs)
      if (wait !== undefined && wait > 0) sentences.push(m.error_wait_seconds({ seconds: Math.ceil(wait / 1000) }))
      break
    }
    case 'Internal':
      if (detail.bridge === 'lost') sentences.push(m.error_connection_lost())
      if (detail.bridge === 'unreachable') sentences.push(m.error_connection_unreachable())
      break
  }
  if (typeof detail.problem === 'string' && detail.problem in galleryFileProblems) sentences.push(galleryFileProblems[detail.problem as GalleryFileProblem]())
  // Which picture of several, for enroll and add-photos calls.
  if (image !== undefined && sentences.length > 0) sentences[0] = m.error_in_picture({ number: image + 1, sentence: sentences[0]! })
  return sentences
}

export function describeError(error: unknown): ErrorText {
  const info = toErrorInfo(error)
  return { kind: info.kind, headline: headlines[info.kind](), detail: details(info).join(' '), technical: info.message }
}
