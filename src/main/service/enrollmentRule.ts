import { LikenessError } from '../../shared/errors'
import type { FaceQuality, ShotProblem } from '../../shared/api/face'
import type { Box } from '../../shared/geometry'

/**
 * What a shot must be to become a template: a template from a small, blurred or badly lit face sits
 * far from the same person's later check-in frames. One rule for every client (the Enroll view, the
 * CLI, anything that calls face.enroll or face.addPhotos).
 *
 * Measured on the labelled sets of ../shared/datasets/faces (the largest face of each photo, at the
 * 112-px crop the worker scores): sharpness from 39, medians 148–778 per set (2 of 55 dlib_johns
 * stills under 40, none elsewhere), brightness 58–185. The same crops blurred with σ = 2 px all score
 * under 40, σ = 1 px about a fifth of them. Faces under 80 px are what a webcam sees of someone more
 * than about 2 m away.
 */
const enrollmentLimits = { minFaceSize: 80, minSharpness: 40, minBrightness: 50, maxBrightness: 230 }

/** Every way the face falls short of the rule, figure by figure; empty when it may be enrolled. */
export function shotProblems(face: { box: Box; quality: FaceQuality }): ShotProblem[] {
  const problems: ShotProblem[] = []
  const size = Math.min(face.box.width, face.box.height)
  if (size < enrollmentLimits.minFaceSize) problems.push({ figure: 'faceSize', value: size, limit: enrollmentLimits.minFaceSize, bound: 'min' })
  if (face.quality.sharpness < enrollmentLimits.minSharpness) {
    problems.push({ figure: 'sharpness', value: face.quality.sharpness, limit: enrollmentLimits.minSharpness, bound: 'min' })
  }
  if (face.quality.brightness < enrollmentLimits.minBrightness) {
    problems.push({ figure: 'brightness', value: face.quality.brightness, limit: enrollmentLimits.minBrightness, bound: 'min' })
  }
  if (face.quality.brightness > enrollmentLimits.maxBrightness) {
    problems.push({ figure: 'brightness', value: face.quality.brightness, limit: enrollmentLimits.maxBrightness, bound: 'max' })
  }
  return problems
}

function advice({ figure, bound }: ShotProblem): string {
  switch (figure) {
    case 'faceSize':
      return 'the face is too small: come closer to the camera'
    case 'sharpness':
      return 'the picture is blurred: hold still'
    case 'brightness':
      return bound === 'min' ? 'the face is too dark: add light in front of it' : 'the face is too bright: turn the light down or away'
  }
}

/** Refuses a shot that falls short, naming each figure and its limit (PoorShot, detail: problems and the picture). */
export function requireGoodShot(face: { box: Box; quality: FaceQuality }, image: number, images: number): void {
  const problems = shotProblems(face)
  if (problems.length === 0) return
  const which = images > 1 ? `Picture ${image + 1} of ${images}: ` : ''
  const sentences = problems.map((p) => `${advice(p)} (${p.figure} ${Math.round(p.value)}, ${p.bound === 'min' ? 'at least' : 'at most'} ${p.limit})`)
  const message = `${which}${sentences.join('; ')}.`
  throw new LikenessError('PoorShot', message.charAt(0).toUpperCase() + message.slice(1), { image, problems })
}
