import type { Detection, ShotProblem } from '../../../shared/api/face'
import { m } from '../paraglide/messages'

/** One way a shot falls short, in words for the person in front of the camera, with the figure and its limit. */
export function problemAdvice({ figure, bound, value, limit }: ShotProblem): string {
  const figures = { value: Math.round(value), limit }
  switch (figure) {
    case 'faceSize':
      return m.shot_face_size(figures)
    case 'sharpness':
      return m.shot_sharpness(figures)
    case 'brightness':
      return bound === 'min' ? m.shot_too_dark(figures) : m.shot_too_bright(figures)
  }
}

/** The service's verdict on a shot: empty when it may be enrolled. */
export function shotAdvice(detection: Detection): string[] {
  if (detection.faces.length === 0) return [m.shot_no_face()]
  if (detection.faces.length > 1) return [m.shot_many_faces({ count: detection.faces.length })]
  return detection.faces[0]!.problems.map(problemAdvice)
}
