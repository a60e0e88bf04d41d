import * as tf from '@tensorflow/tfjs'
import type { RgbImage } from '../image/decode'
import type { Point } from '../../shared/geometry'
import { cropBatch, cropToFrame, type Crop } from './crops'

/** FaceMesh's answer for one face crop: 468 points in frame pixels and how sure it is that a face is there. */
export interface MeshResult {
  points: Point[]
  /** The network's face-present flag in [0, 1]: it falls when the crop no longer holds a face. */
  faceScore: number
}

const meshInputSize = 192
const meshPoints = 468

/**
 * FaceMesh on square face crops, one batch for every crop: the mesh lands in frame pixels (the
 * network answers in 192-px crop coordinates, turned back by the crop's angle; z, depth in the
 * same units, is dropped here). The network was trained on upright faces: a crop turned by the
 * face's roll (uprightCrop) is what MediaPipe feeds it.
 */
export async function meshOnCrops(model: tf.GraphModel, image: RgbImage, crops: readonly Crop[]): Promise<MeshResult[]> {
  if (crops.length === 0) return []
  const [mesh, flag] = tf.tidy(() => {
    const outputs = model.execute(cropBatch(image, crops, meshInputSize), ['Identity_2:0', 'Identity_1:0']) as tf.Tensor[]
    return [outputs[0], outputs[1]]
  })
  const [coordinates, scores] = (await Promise.all([mesh.data(), flag.data()])) as Float32Array[]
  tf.dispose([mesh, flag])
  return crops.map((crop, c) => {
    const toFrame = cropToFrame(crop, meshInputSize)
    const points: Point[] = []
    for (let i = 0; i < meshPoints; i++) {
      const o = (c * meshPoints + i) * 3
      points.push(toFrame(coordinates[o], coordinates[o + 1]))
    }
    return { points, faceScore: scores[c] }
  })
}
