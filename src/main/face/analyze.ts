import * as tf from '@tensorflow/tfjs'
import type { RgbImage } from '../image/decode'
import { LikenessError } from '../../shared/errors'
import { chipTransform, extractChips } from './align'
import { defaultMinConfidence, locateFaces } from './detect'
import { encodeFaces } from './encoder'
import type { FaceModels } from './faceModels'
import { locateLandmarks } from './landmarks'
import { shrinkToMaxSide } from './shrink'
import type { Face } from './types'
import type { Box, Point } from '../../shared/geometry'
import { descriptorDimension, type Detector } from '../../shared/api/face'

export interface AnalyzeOptions {
  detector: Detector
  /** Faces whose box is narrower or shorter than this many original pixels are refused (FaceTooSmall). */
  minFaceSize?: number
  minConfidence?: number
  /** Average f(chip) and f(mirrored chip): the encoder is not exactly mirror-symmetric. */
  mirror?: boolean
  /** Rotate chips so the eyes are level (dlib's own alignment); off by default, see chipTransform. */
  levelEyes?: boolean
  /** Detection and landmarks run on a copy no larger than this on its long side. */
  detectionMaxSide?: number
}

const defaultMinFaceSize = 40
const defaultDetectionMaxSide = 1280
// A photo where the face fills the frame (a passport-style crop) defeats both detectors: they were
// trained on faces with context. Framing the photo in black gives the context back. Measured with
// SSD on the 95 tight 150-px crops of faceapi_bbt and dlib_johns, lowest score of the best box:
// no border finds 17 at 0.5; a border of a quarter of the long side 52, half 90, the whole long
// side (the face a third of the frame) all 95, none scoring under 0.67. A grey border is no better.
const retryBorder = 1
// SSD sees 512 px whatever it is given; the retry frames a copy of at most this side, so a large
// photo with nobody in it does not become a nine-times-larger tensor.
const retryMaxSide = 640

interface Located {
  box: Box
  score: number
  landmarks: Point[]
}

/** Faces in `image` framed by a black border of `border` pixels, in the coordinates of `image`. */
async function locate(models: FaceModels, image: RgbImage, options: AnalyzeOptions, border: number): Promise<Located[]> {
  const pixels = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32')
  const framed = border > 0 ? tf.pad(pixels, [[border, border], [border, border], [0, 0]]) : pixels
  try {
    const detections = (await locateFaces(models, framed, options.detector, options.minConfidence ?? defaultMinConfidence)).filter(
      ({ box }) => box.width >= 1 && box.height >= 1
    )
    const landmarks = await locateLandmarks(models, framed, detections.map(({ box }) => box))
    return detections.map(({ box, score }, i) => ({
      box: { x: box.x - border, y: box.y - border, width: box.width, height: box.height },
      score,
      landmarks: landmarks[i].map((p) => ({ x: p.x - border, y: p.y - border }))
    }))
  } finally {
    tf.dispose([pixels, framed])
  }
}

/** Faces found on a copy of `image` no larger than `maxSide`, framed by `border` × its long side, in the coordinates of `image`. */
async function locateOnCopy(models: FaceModels, image: RgbImage, options: AnalyzeOptions, maxSide: number, border: number): Promise<Located[]> {
  const copy = shrinkToMaxSide(image, maxSide)
  const located = await locate(models, copy.image, options, Math.round(border * Math.max(copy.image.width, copy.image.height)))
  const s = copy.scale
  return located.map(({ box, score, landmarks }) => ({
    box: { x: box.x / s, y: box.y / s, width: box.width / s, height: box.height / s },
    score,
    landmarks: landmarks.map((p) => ({ x: p.x / s, y: p.y / s }))
  }))
}

/** f(x) of each face given its 68 landmarks in `image`: align, then encode the chips as one batch. */
export async function describeFaces(
  models: FaceModels,
  image: RgbImage,
  landmarks: readonly Point[][],
  options: Pick<AnalyzeOptions, 'levelEyes' | 'mirror'> = {}
): Promise<Float32Array[]> {
  if (landmarks.length === 0) return []
  const chips = extractChips(image, landmarks.map((points) => chipTransform(points, { levelEyes: options.levelEyes })))
  const mirror = options.mirror ?? false
  const descriptors = tf.tidy(() => {
    const direct = encodeFaces(models.encoder, chips)
    return mirror ? direct.add(encodeFaces(models.encoder, tf.reverse(chips, 2))).div(2) : direct
  })
  const values = (await descriptors.data()) as Float32Array
  tf.dispose([chips, descriptors])
  return landmarks.map((_, i) => values.slice(i * descriptorDimension, (i + 1) * descriptorDimension))
}

/**
 * Photo → every face in it with box and 68 landmarks, in the photo's own coordinates, largest
 * first. No face → []; only faces under `minFaceSize` → FaceTooSmall.
 */
export async function findFaces(models: FaceModels, image: RgbImage, options: AnalyzeOptions): Promise<Omit<Face, 'descriptor'>[]> {
  const minFaceSize = options.minFaceSize ?? defaultMinFaceSize
  const maxSide = options.detectionMaxSide ?? defaultDetectionMaxSide
  let located = await locateOnCopy(models, image, options, maxSide, 0)
  // only when nothing is found, so an ordinary photo pays for one detection
  if (located.length === 0) located = await locateOnCopy(models, image, options, Math.min(maxSide, retryMaxSide), retryBorder)
  const bigEnough = located.filter(({ box }) => Math.min(box.width, box.height) >= minFaceSize)
  if (bigEnough.length === 0 && located.length > 0) {
    const largest = Math.max(...located.map(({ box }) => Math.min(box.width, box.height)))
    throw new LikenessError('FaceTooSmall', `The face is too small to recognise; it needs at least ${minFaceSize} pixels.`, {
      size: Math.floor(largest),
      minFaceSize
    })
  }
  return bigEnough.sort((p, q) => q.box.width * q.box.height - p.box.width * p.box.height)
}

/** Photo → every face with box, 68 landmarks and f(x); see findFaces for the rules. */
export async function analyzeFaces(models: FaceModels, image: RgbImage, options: AnalyzeOptions): Promise<Face[]> {
  const faces = await findFaces(models, image, options)
  const descriptors = await describeFaces(models, image, faces.map(({ landmarks }) => landmarks), options)
  return faces.map((face, i) => ({ ...face, descriptor: descriptors[i] }))
}
