/** A point in image pixels, x to the right, y down. */
export interface Point {
  x: number
  y: number
}

/** An axis-aligned box in image pixels. */
export interface Box {
  x: number
  y: number
  width: number
  height: number
}

export type DetectorKind = 'ssd' | 'tiny'

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
