import * as tf from '@tensorflow/tfjs'
import type { RgbImage } from '../image/decode'
import type { Box, Point } from '../../shared/geometry'
import { cropBatch } from './crops'

/** FaceMesh's answer for one face crop: 468 points in frame pixels and how sure it is that a face is there. */
export interface MeshResult {
  points: Point[]
  /** The network's face-present flag in [0, 1]: it falls when the crop no longer holds a face. */
  faceScore: number
}

const meshInputSize = 192
const meshPoints = 468

/**
 * FaceMesh on square face crops, one batch for every box: the mesh lands in frame pixels (the
 * network answers in 192-px crop coordinates; z, depth in the same units, is dropped here).
 */
export async function meshOnBoxes(model: tf.GraphModel, image: RgbImage, boxes: readonly Box[]): Promise<MeshResult[]> {
  if (boxes.length === 0) return []
  const [mesh, flag] = tf.tidy(() => {
    const outputs = model.execute(cropBatch(image, boxes.map((box) => ({ box })), meshInputSize), ['Identity_2:0', 'Identity_1:0']) as tf.Tensor[]
    return [outputs[0], outputs[1]]
  })
  const [coordinates, scores] = (await Promise.all([mesh.data(), flag.data()])) as Float32Array[]
  tf.dispose([mesh, flag])
  return boxes.map((box, b) => {
    const scaleX = box.width / meshInputSize
    const scaleY = box.height / meshInputSize
    const points: Point[] = []
    for (let i = 0; i < meshPoints; i++) {
      const o = (b * meshPoints + i) * 3
      points.push({ x: box.x + coordinates[o] * scaleX, y: box.y + coordinates[o + 1] * scaleY })
    }
    return { points, faceScore: scores[b] }
  })
}
