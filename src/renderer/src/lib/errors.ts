import { toErrorInfo, type ErrorKind } from '../../../shared/errors'

/** Sentences a front-desk person understands, by kind; the service's message adds the detail. */
const plain: Partial<Record<ErrorKind, string>> = {
  NotAnImage: 'That file is not a picture.',
  CorruptImage: 'That picture is damaged and cannot be read.',
  NoFace: 'No face was found in the picture.',
  ManyFaces: 'More than one face is in the picture.',
  FaceTooSmall: 'The face is too small: come closer to the camera.',
  UnknownPerson: 'That person is not in the gallery.',
  ModelUnavailable: 'That network is not installed.',
  Cancelled: 'Stopped.',
  Locked: 'This needs the admin PIN.',
  BadRequest: 'Likeness could not understand that request.',
  Internal: 'Something went wrong inside Likeness.'
}

export function describeError(error: unknown): { kind: ErrorKind; headline: string; detail: string } {
  const info = toErrorInfo(error)
  const headline = plain[info.kind] ?? info.message
  return { kind: info.kind, headline, detail: headline === info.message ? '' : info.message }
}
