/**
 * Errors are values with a kind that the UI turns into a sentence. Everything that crosses the
 * process boundary fails with one of these, never with a bare string thrown from deep inside.
 */
const errorKinds = [
  'BadRequest', // a malformed request: wrong shape, wrong types, unknown method
  'NotAnImage', // bytes that no decoder recognises as an image
  'CorruptImage', // an image whose data is truncated or damaged
  'ImageTooLarge', // beyond what can be decoded at all (pixel bomb)
  'NoFace',
  'ManyFaces',
  'FaceTooSmall',
  'PoorShot', // a face enrollment refuses: blurred, too dark or bright, too small (detail: the figure, value and limit)
  'UnknownPerson',
  'NotFound', // a stored thing (job, result, model file) that does not exist
  'ModelUnavailable', // an optional network (e.g. VGG19) that is not installed
  'ChecksumMismatch',
  'TooBigForBackend', // a size the compute backend cannot hold
  'Cancelled',
  'Busy',
  'StoreCorrupt',
  'WrongKey', // a key, key file, passphrase or PIN that does not open what it was given for, or none here that can (detail.problem)
  'Locked', // an admin action while kiosk mode is on and the admin PIN has not been entered
  'Unsupported',
  'LiveFaceRequired', // a photo where the settings ask for a live face at the camera (verify's liveness setting)
  'Offline', // the shared gallery's server cannot be reached, and this needs it (enrolling, forgetting, the log)
  'Internal'
] as const

export type ErrorKind = (typeof errorKinds)[number]

export interface ErrorInfo {
  kind: ErrorKind
  message: string
  /** Machine-readable details, e.g. the number of faces found or the offending field. */
  detail?: Record<string, unknown>
}

export class LikenessError extends Error {
  readonly kind: ErrorKind
  readonly detail?: Record<string, unknown>

  constructor(kind: ErrorKind, message: string, detail?: Record<string, unknown>) {
    super(message)
    this.name = kind
    this.kind = kind
    this.detail = detail
  }

  toInfo(): ErrorInfo {
    return this.detail === undefined
      ? { kind: this.kind, message: this.message }
      : { kind: this.kind, message: this.message, detail: this.detail }
  }
}

function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === 'string' && (errorKinds as readonly string[]).includes(value)
}

/** Any thrown value as an ErrorInfo: our own errors keep their kind, the rest become Internal. */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof LikenessError) return error.toInfo()
  if (
    typeof error === 'object' &&
    error !== null &&
    isErrorKind((error as { kind?: unknown }).kind) &&
    typeof (error as { message?: unknown }).message === 'string'
  ) {
    const e = error as ErrorInfo
    return e.detail === undefined ? { kind: e.kind, message: e.message } : e
  }
  const message = error instanceof Error ? error.message : String(error)
  return { kind: 'Internal', message }
}

export function fromErrorInfo(info: ErrorInfo): LikenessError {
  return new LikenessError(info.kind, info.message, info.detail)
}
