import type { RgbImage } from '../../image/decode'
import { describeFaces } from '../analyze'
import type { Box, Point } from '../../../shared/geometry'
import { detectBlazeFace, type BlazeFaceOptions, defaultBlazeFaceOptions } from '../blazeFace'
import { boundingBox, matchBoxes, squareAround } from '../boxes'
import { meshOnCrops } from '../faceMesh'
import { uprightCrop } from '../crops'
import { irisOnEyes } from './iris'
import type { LiveModels } from './liveModels'
import { eyeCrops, eyeLineRoll, eyeOpenness, frontality, landmarks68, meshRoll } from './meshGeometry'
import { moireProminence } from './moire'
import { passiveScores, type PassiveScores } from './passiveNets'
import { viewQuality } from './viewQuality'

/** A face the tracker follows into this frame, and the work it wants done on it. */
export interface FollowRequest {
  trackId: number
  /** The square crop the face is expected in (the tracker's prediction)… */
  cropBox: Box
  /** …turned by the face's roll in the last frame, so that FaceMesh sees it upright. */
  roll: number
  /** Encode this view when its quality exceeds this: 0 always, null never (see viewQuality). */
  encodeAbove: number | null
  /** Score the crop with the passive spoof networks. */
  passive: boolean
}

/** What one frame needs, decided by the session before the frame is looked at. */
export interface FramePlan {
  detect: boolean
  follow: FollowRequest[]
}

export interface FaceObservation {
  /** The followed track this face belongs to; null for a face the detector found that no track explains. */
  trackId: number | null
  /** FaceMesh's face-present score; under minFaceScore nothing else was computed. */
  faceScore: number
  /** The detector's score when it saw this face in this frame. */
  detectionScore: number | null
  /** The mesh's bounding box: what an overlay draws. */
  faceBox: Box
  /** Where to look for the face in the next frame: a square around the mesh seen upright… */
  cropBox: Box
  /** …turned by the face's roll (meshRoll, radians). */
  roll: number
  /** FaceMesh's 468 points (the non-planar motion cue compares them across frames). */
  mesh: Point[]
  /** The 68 iBUG points taken from the mesh (alignment, drawing). */
  landmarks: Point[]
  /** Eye openness (eyeOpenness), image-left eye first. */
  openness: [number, number] | null
  frontality: number
  sharpness: number
  quality: number
  descriptor: Float32Array | null
  passive: PassiveScores | null
  /** The spectral peak of a recaptured screen's moiré on the face (moireProminence). */
  moire: number | null
}

export interface FrameObservation {
  detected: boolean
  faces: FaceObservation[]
  /** Milliseconds spent per stage, for the bench. */
  ms: { detect: number; mesh: number; iris: number; encode: number; passive: number; total: number }
}

/** Under this FaceMesh face-present score the crop holds no face: the track is lost. */
export const minFaceScore = 0.5
/** A detection and a followed crop overlapping this much are one face. */
const sameFaceIou = 0.3
// BlazeFace's box runs from the brows to the chin; FaceMesh wants the whole head with a margin,
// 1.4× that box (human's factor). The mesh's own bounding box spans forehead to chin and is taller:
// the same crop is 1.29× (d0) and 1.32× (d3) its long side, so the tracker takes 1.3×.
const detectionCrop = 1.4
const meshCrop = 1.3

// a face's fields before anything beyond FaceMesh has looked at it
const nothing = { faceScore: 0, roll: 0, detectionScore: null, openness: null, frontality: 0, sharpness: 0, quality: 0, descriptor: null, passive: null, moire: null, mesh: [], landmarks: [] }

interface Pending {
  trackId: number | null
  cropBox: Box
  roll: number
  detectionScore: number | null
  encodeAbove: number | null
  passive: boolean
}

/**
 * The neural work of one live frame, plain data in and out so that it can run in an engine
 * worker: detection when planned (a detection that no followed crop explains is a new face),
 * FaceMesh on every crop as one batch, Iris on every eye, then the encoder and the passive
 * networks where the plan asks. New faces are always encoded (their name is wanted at once); the
 * passive networks wait for the next frames.
 */
export async function observeFrame(
  models: LiveModels,
  image: RgbImage,
  plan: FramePlan,
  detector: BlazeFaceOptions = defaultBlazeFaceOptions
): Promise<FrameObservation> {
  const ms = { detect: 0, mesh: 0, iris: 0, encode: 0, passive: 0, total: 0 }
  const start = performance.now()
  let mark = start
  const lap = (stage: keyof typeof ms): void => {
    const now = performance.now()
    ms[stage] += now - mark
    mark = now
  }
  const pending: Pending[] = plan.follow.map((f) => ({ trackId: f.trackId, cropBox: f.cropBox, roll: f.roll, detectionScore: null, encodeAbove: f.encodeAbove, passive: f.passive }))
  if (plan.detect) {
    const detections = await detectBlazeFace(models.face.blazeFace, image, detector)
    const crops = detections.map((d) => squareAround(d.box, detectionCrop))
    const pairs = matchBoxes(pending.map((p) => p.cropBox), crops, sameFaceIou)
    // a followed face the detector confirms is re-anchored on the detector's box (its roll stays the mesh's)
    for (const [p, d] of pairs) Object.assign(pending[p], { cropBox: crops[d], detectionScore: detections[d].score })
    const explained = new Set(pairs.map(([, d]) => d))
    detections.forEach((d, i) => {
      // BlazeFace's first two keypoints are the subject's right and left eye
      if (!explained.has(i)) pending.push({ trackId: null, cropBox: crops[i], roll: eyeLineRoll(d.keypoints[0], d.keypoints[1]), detectionScore: d.score, encodeAbove: 0, passive: false })
    })
    lap('detect')
  }
  const meshes = await meshOnCrops(models.face.faceMesh, image, pending.map((p) => ({ box: p.cropBox, angle: p.roll })))
  lap('mesh')
  const faces: FaceObservation[] = pending.map((p, i) => {
    const { points, faceScore } = meshes[i]
    const roll = meshRoll(points)
    const faceBox = boundingBox(points)
    return { ...nothing, trackId: p.trackId, detectionScore: p.detectionScore, faceScore, faceBox, cropBox: uprightCrop(points, roll, meshCrop).box, roll }
  })
  const present = faces.flatMap((face, i) => (face.faceScore >= minFaceScore ? [i] : []))

  const eyes = await irisOnEyes(
    models.iris,
    image,
    present.flatMap((i) => eyeCrops(meshes[i].points))
  )
  present.forEach((i, k) => {
    const face = faces[i]
    face.mesh = meshes[i].points
    face.landmarks = landmarks68(meshes[i].points)
    face.openness = [eyeOpenness(eyes[2 * k]), eyeOpenness(eyes[2 * k + 1])]
    face.frontality = frontality(meshes[i].points)
    Object.assign(face, viewQuality(image, face.faceBox, face.frontality))
    face.moire = moireProminence(image, face.faceBox)
  })
  lap('iris')

  const toEncode = present.filter((i) => pending[i].encodeAbove !== null && faces[i].quality >= pending[i].encodeAbove!)
  const descriptors = await describeFaces(models.face, image, toEncode.map((i) => faces[i].landmarks))
  toEncode.forEach((i, k) => (faces[i].descriptor = descriptors[k]))
  lap('encode')

  const toScore = present.filter((i) => pending[i].passive)
  const scores = await passiveScores(models.antispoof, models.liveness, image, toScore.map((i) => ({ box: faces[i].cropBox, angle: faces[i].roll })))
  toScore.forEach((i, k) => (faces[i].passive = scores[k]))
  lap('passive')
  ms.total = performance.now() - start
  return { detected: plan.detect, faces, ms }
}
