import * as tf from '@tensorflow/tfjs'
import type { RgbImage } from '../image/decode'
import { LikenessError } from '../../shared/errors'
import { chipTransform, extractChips } from './align'
import { detectBlazeFace } from './blazeFace'
import { overlap, squareAround } from './boxes'
import { defaultMinConfidence, locateFaces } from './detect'
import { encodeFaces } from './encoder'
import { meshOnCrops } from './faceMesh'
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
// A whole head in a small frame wants less: of the 164 yale photos as 100-px grey frames, SSD
// finds 137 unframed; framed by half the long side all 164 (scores 0.79–1.00), by the whole long
// side 137 again (the head then too small). So the borders are tried in turn, half then whole.
const retryBorders = [0.5, 1]
// SSD sees 512 px whatever it is given; the retry frames a copy of at most this side, so a large
// photo with nobody in it does not become a nine-times-larger tensor.
const retryMaxSide = 640
// What a retry or the second opinion finds must also convince FaceMesh, whose face-present flag
// is trained to say whether a crop holds a face: framed by half its side, content/tubingen.jpg (a
// row of houses) yields an SSD "face" at 0.67. How much margin FaceMesh wants varies: the chips of
// dlib_johns as 100-px grey frames score 0.83–1.00 on a crop 1.2× BlazeFace's box or 0.96–1.00 on
// one 1.6×, but not always both; a drawn face (content/benjamin_harrison_cartoon.jpg) scores
// under 0.01 on either. The last look takes BlazeFace's candidates: seven of those chips defeat
// SSD in every framing (best 0.08–0.47) while BlazeFace scores them 0.49–0.93.
const confirmation = { minFaceScore: 0.9, crops: [1.2, 1.6] }
const secondOpinionMinScore = 0.4

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

/**
 * The faces FaceMesh agrees are faces on some crop (see `confirmation`), minus any that lies
 * mostly inside a larger one (a detector's second box on the same face).
 */
async function confirmedByMesh(models: FaceModels, image: RgbImage, found: Located[]): Promise<Located[]> {
  const scores = await Promise.all(confirmation.crops.map((crop) => meshOnCrops(models.faceMesh, image, found.map(({ box }) => ({ box: squareAround(box, crop) })))))
  const faces = found.filter((_, i) => scores.some((meshes) => meshes[i].faceScore >= confirmation.minFaceScore))
  const area = (b: Box): number => b.width * b.height
  return faces.filter((face) => !faces.some((other) => area(other.box) > area(face.box) && overlap(face.box, other.box) > 0.5 * area(face.box)))
}

/** BlazeFace's faces on a copy of at most `maxSide`, with face-api's 68 points, in the coordinates of `image`. */
async function locateBySecondOpinion(models: FaceModels, image: RgbImage, maxSide: number): Promise<Located[]> {
  const copy = shrinkToMaxSide(image, maxSide)
  const candidates = await detectBlazeFace(models.blazeFace, copy.image, { minScore: secondOpinionMinScore, maxFaces: 8, iouThreshold: 0.3 })
  if (candidates.length === 0) return []
  const pixels = tf.tensor3d(copy.image.data, [copy.image.height, copy.image.width, 3], 'int32')
  try {
    const landmarks = await locateLandmarks(models, pixels, candidates.map(({ box }) => box))
    const s = copy.scale
    return candidates.map(({ box, score }, i) => ({
      box: { x: box.x / s, y: box.y / s, width: box.width / s, height: box.height / s },
      score,
      landmarks: landmarks[i].map((p) => ({ x: p.x / s, y: p.y / s }))
    }))
  } finally {
    pixels.dispose()
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
  for (const border of retryBorders) {
    if (located.length > 0) break
    located = await confirmedByMesh(models, image, await locateOnCopy(models, image, options, Math.min(maxSide, retryMaxSide), border))
  }
  if (located.length === 0) located = await confirmedByMesh(models, image, await locateBySecondOpinion(models, image, Math.min(maxSide, retryMaxSide)))
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
