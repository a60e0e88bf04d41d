import type { Detection } from '../../../shared/api/face'

/**
 * When a shot is good enough to enroll. A template from a small, blurred or dark face sits far
 * from the same person's later check-in frames, so it is refused here with advice instead.
 */
export const minFacePixels = 80
/** Variance of the Laplacian of the face crop; motion blur drops it by an order of magnitude. */
export const minSharpness = 20
/** Mean grey level of the face crop, 0–255. */
export const minBrightness = 50

/** Every reason a shot is refused, in words for the person in front of the camera. */
export function shotProblems(detection: Detection): string[] {
  if (detection.faces.length === 0) return ['No face is in the picture: look at the camera.']
  if (detection.faces.length > 1) return [`${detection.faces.length} faces are in the picture: only the person enrolling should be in view.`]
  const face = detection.faces[0]!
  const problems: string[] = []
  if (Math.min(face.box.width, face.box.height) < minFacePixels) problems.push('The face is too small: come closer to the camera.')
  if (face.quality.sharpness < minSharpness) problems.push('The picture is blurred: hold still.')
  if (face.quality.brightness < minBrightness) problems.push('The face is too dark: add light in front of the face.')
  return problems
}
