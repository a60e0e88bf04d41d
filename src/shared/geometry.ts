/** A point in image pixels, x to the right, y down. */
export interface Point {
  x: number
  y: number
}

/** An axis-aligned box in image pixels: a face, a crop, a thumbnail's frame. */
export interface Box {
  x: number
  y: number
  width: number
  height: number
}
