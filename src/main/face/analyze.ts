import * as tf from '@tensorflow/tfjs'
import type { RgbImage } from '../image/decode'
import { LikenessError } from '../../shared/errors'
import { chipTransform, extractChips } from './align'
import { defaultMinConfidence, locateFaces } from './detect'
import { encodeFaces } from './encoder'
import type { FaceModels } from './faceModels'
import { locateLandmarks } from './landmarks'
import { shrinkToMaxSide } from './shrink'
import type { Box, DetectorKind, Face, Point } from './types'

export interface AnalyzeOptions {
  detector: DetectorKind
  /** Faces whose box is narrower or shorter than this many original pixels are refused (FaceTooSmall). */
  minFaceSize?: number
  minConfidence?: number
  /** Average f(chip) and f(mirrored chip): the encoder is not exactly mirror-symmetric. */
  mirror?: boolean
  /** Rotate chips so the eyes are level (dlib's own alignment); false gives face-api's unrotated crop. */
  levelEyes?: boolean
  /** Detection and landmarks run on a copy no larger than this on its long side. */
  detectionMaxSide?: number
}

export const defaultMinFaceSize = 40
const defaultDetectionMaxSide = 1280
// A chip where the face fills the frame defeats both detectors (they were trained on faces with context);
// a black border of half the long side gives some back: faceapi_bbt 36/40 and dlib_johns 52/55 found
// (a quarter-side grey border alone: 30/40 and 43/55).
const retryBorder = 0.5

interface Located {
  box: Box
  score: number
  landmarks: Point[]
}

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
  return landmarks.map((_, i) => values.slice(i * 128, (i + 1) * 128))
}

/**
 * Photo → every face in it with box and 68 landmarks, in the photo's own coordinates, largest
 * first. No face → []; only faces under `minFaceSize` → FaceTooSmall.
 */
export async function findFaces(models: FaceModels, image: RgbImage, options: AnalyzeOptions): Promise<Omit<Face, 'descriptor'>[]> {
  const minFaceSize = options.minFaceSize ?? defaultMinFaceSize
  const detection = shrinkToMaxSide(image, options.detectionMaxSide ?? defaultDetectionMaxSide)
  let located = await locate(models, detection.image, options, 0)
  if (located.length === 0) {
    located = await locate(models, detection.image, options, Math.round(retryBorder * Math.max(detection.image.width, detection.image.height)))
  }
  const inOriginal = located.map(({ box, score, landmarks }) => ({
    box: { x: box.x / detection.scale, y: box.y / detection.scale, width: box.width / detection.scale, height: box.height / detection.scale },
    score,
    landmarks: landmarks.map((p) => ({ x: p.x / detection.scale, y: p.y / detection.scale }))
  }))
  const bigEnough = inOriginal.filter(({ box }) => Math.min(box.width, box.height) >= minFaceSize)
  if (bigEnough.length === 0 && inOriginal.length > 0) {
    const largest = Math.max(...inOriginal.map(({ box }) => Math.min(box.width, box.height)))
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
