import type { Box, Point } from '../../shared/geometry'

/** One face found in a photo, in the photo's original pixel coordinates. */
export interface Face {
  box: Box
  /** Detector confidence in [0, 1]. */
  score: number
  /** The 68 iBUG points: jaw 0–16, brows 17–26, nose 27–35, eyes 36–47, mouth 48–67. */
  landmarks: Point[]
  /** f(x), the 128-D embedding of the aligned chip. */
  descriptor: Float32Array
}
