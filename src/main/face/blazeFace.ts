import * as tf from '@tensorflow/tfjs'
import type { RgbImage } from '../image/decode'
import type { Box, Point } from '../../shared/geometry'
import { iou } from './boxes'
import { cropBatch } from './crops'

/** A face BlazeFace found: its box, score and six keypoints (eyes, nose tip, mouth, ear tragions). */
export interface BlazeFaceDetection {
  box: Box
  score: number
  keypoints: Point[]
}

export interface BlazeFaceOptions {
  minScore: number
  maxFaces: number
  /** Boxes overlapping a better one by more than this IoU are dropped (non-maximum suppression). */
  iouThreshold: number
}

export const defaultBlazeFaceOptions: BlazeFaceOptions = { minScore: 0.5, maxFaces: 8, iouThreshold: 0.3 }

const inputSize = 256
const keypointCount = 6

/**
 * SSD anchors of the 256-px model: a 16×16 grid with 2 anchors per cell, then an 8×8 grid
 * with 6 (MediaPipe's face_detection_back config), each the centre of its cell in input pixels.
 */
function anchors(): Float32Array {
  const layers = [
    { stride: 16, perCell: 2 },
    { stride: 32, perCell: 6 }
  ]
  const centres: number[] = []
  for (const { stride, perCell } of layers) {
    const cells = Math.ceil(inputSize / stride)
    for (let y = 0; y < cells; y++) for (let x = 0; x < cells; x++) for (let n = 0; n < perCell; n++) centres.push(stride * (x + 0.5), stride * (y + 0.5))
  }
  return Float32Array.from(centres)
}

const anchorCentres = anchors()
const anchorCount = anchorCentres.length / 2

/**
 * Face boxes in the pixel coordinates of `image`. The frame is letterboxed to a square (the
 * network sees 256×256; stretching a 4:3 frame would squash faces) and scaled to [−1, 1]. Each
 * anchor has a score logit and a row [dx, dy, w, h, then six (x, y) keypoints], offsets from
 * the anchor's centre in input pixels.
 */
export async function detectBlazeFace(model: tf.GraphModel, image: RgbImage, options: BlazeFaceOptions = defaultBlazeFaceOptions): Promise<BlazeFaceDetection[]> {
  const { width, height } = image
  const side = Math.max(width, height)
  const padX = Math.floor((side - width) / 2)
  const padY = Math.floor((side - height) / 2)
  const scale = side / inputSize
  const outputs = tf.tidy(() => {
    const square = cropBatch(image, [{ box: { x: -padX, y: -padY, width: side, height: side } }], inputSize)
    return model.execute(square.mul(2).sub(1)) as tf.Tensor[]
  })
  // The converted model answers with four tensors: scores [1, n, 1] and regressors [1, n, 16] of
  // the 16×16 layer (n = 512) and of the 8×8 layer (n = 384); anchors list the 16×16 layer first.
  const bySize = [...outputs].sort((a, b) => a.size - b.size)
  const [scores384, scores512, rows384, rows512] = (await Promise.all(bySize.map((t) => t.data()))) as Float32Array[]
  tf.dispose(outputs)
  const logit = (i: number): number => (i < 512 ? scores512[i] : scores384[i - 512])
  const row = (i: number, k: number): number => (i < 512 ? rows512[i * 16 + k] : rows384[(i - 512) * 16 + k])
  const minLogit = Math.log(options.minScore / (1 - options.minScore))
  const candidates: { i: number; score: number; box: Box }[] = []
  for (let i = 0; i < anchorCount; i++) {
    if (logit(i) < minLogit) continue
    const cx = row(i, 0) + anchorCentres[2 * i]
    const cy = row(i, 1) + anchorCentres[2 * i + 1]
    const w = row(i, 2)
    const h = row(i, 3)
    candidates.push({ i, score: 1 / (1 + Math.exp(-logit(i))), box: { x: cx - w / 2, y: cy - h / 2, width: w, height: h } })
  }
  // greedy non-maximum suppression over the few candidates above minScore
  candidates.sort((a, b) => b.score - a.score)
  const kept: typeof candidates = []
  for (const candidate of candidates) {
    if (kept.length === options.maxFaces) break
    if (kept.every((k) => iou(k.box, candidate.box) <= options.iouThreshold)) kept.push(candidate)
  }
  const toFrame = (x: number, y: number): Point => ({ x: x * scale - padX, y: y * scale - padY })
  return kept.map(({ i, score, box }) => {
    const topLeft = toFrame(box.x, box.y)
    const keypoints = Array.from({ length: keypointCount }, (_, k) => toFrame(row(i, 4 + 2 * k) + anchorCentres[2 * i], row(i, 5 + 2 * k) + anchorCentres[2 * i + 1]))
    return { box: { x: topLeft.x, y: topLeft.y, width: box.width * scale, height: box.height * scale }, score, keypoints }
  })
}
