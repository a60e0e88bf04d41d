import type { Point } from '../../../shared/geometry'
import { uprightCrop, type Crop } from '../crops'

/**
 * The FaceMesh vertex nearest each of the 68 iBUG points (jaw 0–16, brows 17–26, nose 27–35,
 * eyes 36–47, mouth 48–67). The encoder's alignment needs only the eye and mouth centres: chips
 * aligned on these points and on face-api's 68-point net differ by d = 0.01 (median over 168
 * video frames, at most 0.03), against 0.01–0.33 between frames of one person, so the live path
 * skips the 68-point net.
 */
const meshTo68 = [
  127, 234, 93, 132, 58, 136, 150, 176, 152, 400, 379, 365, 288, 361, 323, 454, 356,
  70, 63, 105, 66, 107, 336, 296, 334, 293, 300,
  168, 197, 5, 4, 75, 97, 2, 326, 305,
  33, 160, 158, 133, 153, 144, 362, 385, 387, 263, 373, 380,
  61, 39, 37, 0, 267, 269, 291, 405, 314, 17, 84, 181, 78, 82, 13, 312, 308, 317, 14, 87
]

export function landmarks68(mesh: readonly Point[]): Point[] {
  return meshTo68.map((i) => mesh[i])
}

/** Eye corners in the mesh: the image's left eye (the subject's right) first. */
const eyeCorners = [
  { outer: 33, inner: 133 },
  { outer: 263, inner: 362 }
] as const

/**
 * The roll of a face from its eyes, in radians, y down: the direction from the subject's right
 * eye `a` (the image-left one when upright) to their left eye `b`; 0 upright, positive when the
 * image-right eye sits lower. Upside down is ±π: FaceMesh's and BlazeFace's eye points are the
 * subject's, not the image's.
 */
export function eyeLineRoll(a: Point, b: Point): number {
  return Math.atan2(b.y - a.y, b.x - a.x)
}

/** The roll of the face: the line through the outer eye corners. */
export function meshRoll(mesh: readonly Point[]): number {
  return eyeLineRoll(mesh[eyeCorners[0].outer], mesh[eyeCorners[1].outer])
}

/**
 * The square crop the Iris network expects around each eye: the corners' span grown 2.3×
 * (MediaPipe's and human's factor), turned upright by the face's roll as MediaPipe does, image-left
 * eye first; the image-right eye is mirrored (the network was trained on one eye, and the
 * subject's left is shown mirrored).
 */
export function eyeCrops(mesh: readonly Point[]): [Crop, Crop] {
  const roll = meshRoll(mesh)
  const [a, b] = eyeCorners.map(({ outer, inner }) => uprightCrop([mesh[outer], mesh[inner]], roll, 2.3))
  return [a, { ...b, mirrored: true }]
}

const distance = (p: Point, q: Point): number => Math.hypot(p.x - q.x, p.y - q.y)

/**
 * Eye openness from the Iris network's lid contour: the mean gap between the seven upper-lid
 * points (9–15) and the lower-lid points beneath them (1–7), over the corner-to-corner width
 * (0 to 8), an eye aspect ratio (Soukupová & Čech 2016) on a denser contour. Measured on the six
 * face videos: open 0.2–0.3, closed under 0.1; the 68-point net's ratio on the same blink of
 * d0 only fell from 0.28 to 0.23, FaceMesh's own lids from 0.27 to 0.13.
 */
export function eyeOpenness(contour: readonly Point[]): number {
  let gap = 0
  for (let k = 0; k < 7; k++) gap += distance(contour[9 + k], contour[1 + k])
  return gap / 7 / distance(contour[0], contour[8])
}

/**
 * The mouth's width: the corners' span (61, 291) over the outer eye corners' (33, 263), a ratio
 * of two horizontal lengths that a print keeps as it is moved, turned or tilted, and that speech
 * and smiles change. The lips' gap is not used: on a small, half-open mouth (d19's, 20 px high)
 * FaceMesh's inner lips wander by a few pixels from frame to frame, and its ratio to the lips'
 * height or to the eyes moved by 0.11–0.17 on prints swung hard, as much as some speech does.
 */
export function mouthWidth(mesh: readonly Point[]): number {
  return distance(mesh[61], mesh[291]) / distance(mesh[eyeCorners[0].outer], mesh[eyeCorners[1].outer])
}

/**
 * How squarely the face looks at the camera, 1 facing it to 0 in profile: the nose tip's
 * offset from the midpoint of the outer eye corners, over half their distance (a yaw proxy that
 * needs no 3D fit), and the roll of the eye line.
 */
export function frontality(mesh: readonly Point[]): number {
  const left = mesh[eyeCorners[0].outer]
  const right = mesh[eyeCorners[1].outer]
  const nose = mesh[4]
  const half = distance(left, right) / 2
  if (half === 0) return 0
  const yaw = Math.abs(nose.x - (left.x + right.x) / 2) / half
  const roll = Math.abs(meshRoll(mesh)) / (Math.PI / 2)
  return Math.max(0, 1 - yaw) * Math.max(0, 1 - roll)
}
