import type { Detection, ShotProblem } from '../../../shared/api/face'

function advice({ figure, bound, value, limit }: ShotProblem): string {
  const figures = `(${Math.round(value)}; ${bound === 'min' ? 'at least' : 'at most'} ${limit})`
  switch (figure) {
    case 'faceSize':
      return `The face is too small: come closer to the camera ${figures}.`
    case 'sharpness':
      return `The picture is blurred: hold still ${figures}.`
    case 'brightness':
      return bound === 'min' ? `The face is too dark: add light in front of the face ${figures}.` : `The face is too bright: turn the light down or away ${figures}.`
  }
}

/** The service's verdict on a shot, in words for the person in front of the camera: empty when it may be enrolled. */
export function shotAdvice(detection: Detection): string[] {
  if (detection.faces.length === 0) return ['No face is in the picture: look at the camera.']
  if (detection.faces.length > 1) return [`${detection.faces.length} faces are in the picture: only the person enrolling should be in view.`]
  return detection.faces[0]!.problems.map(advice)
}
