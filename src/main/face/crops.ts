import * as tf from '@tensorflow/tfjs'
import type { RgbImage } from '../image/decode'
import { sampleBilinear } from '../image/sample'
import type { Box, Point } from '../../shared/geometry'
import { boundingBox, boxCentre, squareAround } from './boxes'

export interface Crop {
  /** The crop's centre and size in the frame; with an angle, its sides run along the turned axes. */
  box: Box
  /** Left and right swapped (Iris is shown one eye side only). */
  mirrored?: boolean
  /**
   * The crop's x axis turned by this many radians from the frame's (y down: positive turns
   * clockwise on screen), so that a face rolled by it comes out upright, as MediaPipe's and
   * human's face pipelines feed FaceMesh and Iris.
   */
  angle?: number
}

/** Crop coordinates in [0, 1]² (a to the right, b down, as the network sees the crop) → frame: x = xa·a + xb·b + x0, likewise y. */
interface CropMap {
  xa: number
  xb: number
  x0: number
  ya: number
  yb: number
  y0: number
}

function cropMap({ box, mirrored, angle = 0 }: Crop): CropMap {
  const cos = Math.cos(angle)
  const sin = Math.sin(angle)
  const { x: cx, y: cy } = boxCentre(box)
  // offset from the centre along the crop's axes: (m·(a − ½)·w, (b − ½)·h), then turned by angle
  const w = (mirrored ? -1 : 1) * box.width
  const h = box.height
  return { xa: cos * w, xb: -sin * h, x0: cx - (cos * w - sin * h) / 2, ya: sin * w, yb: cos * h, y0: cy - (sin * w + cos * h) / 2 }
}

/** A point a network gave in crop pixels (0 … size along each side) → frame pixels. */
export function cropToFrame(crop: Crop, size: number): (x: number, y: number) => Point {
  const m = cropMap(crop)
  return (x, y) => {
    const [a, b] = [x / size, y / size]
    return { x: m.xa * a + m.xb * b + m.x0, y: m.ya * a + m.yb * b + m.y0 }
  }
}

/**
 * The square crop around `points` seen upright: the points turned by −angle about their centre,
 * their bounding box grown to a square of `factor` × its long side, and the centre turned back.
 * With angle 0 it is squareAround(boundingBox(points), factor).
 */
export function uprightCrop(points: readonly Point[], angle: number, factor: number): Crop {
  const centre = boxCentre(boundingBox(points))
  const [cos, sin] = [Math.cos(angle), Math.sin(angle)]
  const turned = points.map(({ x, y }) => ({ x: cos * (x - centre.x) + sin * (y - centre.y), y: -sin * (x - centre.x) + cos * (y - centre.y) }))
  const square = squareAround(boundingBox(turned), factor)
  const c = boxCentre(square)
  const back = { x: centre.x + cos * c.x - sin * c.y, y: centre.y + sin * c.x + cos * c.y }
  return { box: { x: back.x - square.width / 2, y: back.y - square.height / 2, width: square.width, height: square.height }, angle }
}

/**
 * Crops of `image` resized to size × size, in [0, 1], as one batch [n, size, size, 3] (how human
 * feeds its face networks). Sampled in JS from the frame's bytes: only the crops are uploaded.
 * Parts of a crop outside the frame read as black.
 */
export function cropBatch(image: RgbImage, crops: readonly Crop[], size: number): tf.Tensor4D {
  const length = size * size * 3
  const pixels = new Float32Array(crops.length * length)
  crops.forEach((crop, i) => {
    // output pixel u covers a in [u/size, (u + 1)/size) and is sampled at its middle; the sampler's
    // texel k sits at k, a frame coordinate of k + ½
    const m = cropMap(crop)
    const half = 0.5 / size
    const map = {
      xu: m.xa / size,
      xv: m.xb / size,
      x0: m.x0 + (m.xa + m.xb) * half - 0.5,
      yu: m.ya / size,
      yv: m.yb / size,
      y0: m.y0 + (m.ya + m.yb) * half - 0.5
    }
    sampleBilinear(image, map, { width: size, height: size }, pixels, i * length)
  })
  return tf.tensor4d(pixels, [crops.length, size, size, 3])
}
