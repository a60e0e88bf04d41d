import * as tf from '@tensorflow/tfjs'
import type { RgbImage } from '../image/decode'
import { sampleBilinear } from '../image/sample'
import { LikenessError } from '../../shared/errors'
import type { Point } from '../../shared/geometry'
import { chipSize } from '../../shared/api/face'

/**
 * Chip pixel (u, v) → image point: x = a·u − b·v + tx, y = b·u + a·v + ty.
 * A rotation by θ and a uniform scale s, with a = s·cos θ and b = s·sin θ.
 */
export interface ChipTransform {
  a: number
  b: number
  tx: number
  ty: number
}

// face-api's dlib alignment: the centroid of (left eye, right eye, mouth) sits at (0.5, 0.43) of a square chip
const centroidInChip = { x: 0.5 * chipSize, y: 0.43 * chipSize }
// … whose side is the mean eye-to-mouth distance / 0.45. Eye-to-mouth, not inter-ocular: it shrinks less when the head turns.
const eyeToMouthInChip = 0.45 * chipSize

function centre(points: Point[]): Point {
  return { x: points.reduce((s, p) => s + p.x, 0) / points.length, y: points.reduce((s, p) => s + p.y, 0) / points.length }
}

/** Left-eye, right-eye and mouth centres of the 68 iBUG points (the subject's left is the image's right). */
export function alignmentPoints(landmarks: readonly Point[]): { leftEye: Point; rightEye: Point; mouth: Point } {
  if (landmarks.length !== 68) throw new LikenessError('BadRequest', 'Alignment needs the 68 face landmarks.', { count: landmarks.length })
  return { leftEye: centre(landmarks.slice(36, 42)), rightEye: centre(landmarks.slice(42, 48)), mouth: centre(landmarks.slice(48, 68)) }
}

/**
 * The similarity transform that puts the eye–mouth triangle where face-api's dlib-style crop puts
 * it: by default our chip is the library's chip. `levelEyes` also rotates the eyes level, as dlib's
 * own alignment does; it is off by default because it measured worse with this encoder: on
 * deepface_tests, unrotated chips give EER 0.0006 and TAR at FAR 1e-3 of 1.000, levelled ones
 * 0.0012 and 0.993 (same detections; faceapi_bbt and dlib_johns unchanged at AUC 1, rank-1 1).
 */
export function chipTransform(landmarks: readonly Point[], options: { levelEyes?: boolean } = {}): ChipTransform {
  const { leftEye, rightEye, mouth } = alignmentPoints(landmarks)
  const eyeToMouth = (Math.hypot(mouth.x - leftEye.x, mouth.y - leftEye.y) + Math.hypot(mouth.x - rightEye.x, mouth.y - rightEye.y)) / 2
  const scale = eyeToMouth / eyeToMouthInChip
  const angle = options.levelEyes ? Math.atan2(rightEye.y - leftEye.y, rightEye.x - leftEye.x) : 0
  const a = scale * Math.cos(angle)
  const b = scale * Math.sin(angle)
  const centroid = centre([leftEye, rightEye, mouth])
  return {
    a,
    b,
    tx: centroid.x - (a * centroidInChip.x - b * centroidInChip.y),
    ty: centroid.y - (b * centroidInChip.x + a * centroidInChip.y)
  }
}

/** Image point → chip pixel, the inverse of the transform. */
export function toChip(t: ChipTransform, p: Point): Point {
  const dx = p.x - t.tx
  const dy = p.y - t.ty
  const det = t.a * t.a + t.b * t.b
  return { x: (t.a * dx + t.b * dy) / det, y: (-t.b * dx + t.a * dy) / det }
}

/** The values of one aligned chip: 150 × 150 × RGB. */
export const chipLength = chipSize * chipSize * 3

/** Aligned 150×150 chips [n, 150, 150, 3] in [0, 1], one per transform, sampled from the full-resolution photo. */
export function extractChips(image: RgbImage, transforms: readonly ChipTransform[]): tf.Tensor4D {
  const pixels = new Float32Array(transforms.length * chipLength)
  // chip(u, v) = bilinear(image, T(u, v))
  transforms.forEach((t, i) => sampleBilinear(image, { xu: t.a, xv: -t.b, x0: t.tx, yu: t.b, yv: t.a, y0: t.ty }, { width: chipSize, height: chipSize }, pixels, i * chipLength))
  return tf.tensor4d(pixels, [transforms.length, chipSize, chipSize, 3])
}
