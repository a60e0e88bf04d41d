import * as tf from '@tensorflow/tfjs'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { decodeImage, type RgbImage } from '../../../src/main/image/decode'
import { alignmentPoints, chipTransform, toChip } from '../../../src/main/face/align'
import { analyzeFaces } from '../../../src/main/face/analyze'
import { asLibraryTensor, faceapi } from '../../../src/main/face/faceapi'
import type { FaceModels } from '../../../src/main/face/faceModels'
import type { ModelCache } from '../../../src/main/models/cache'
import { faceApiModelDir, modelCache } from '../../support/models'
import type { Face } from '../../../src/main/face/types'
import type { Point } from '../../../src/shared/geometry'

const require = createRequire(import.meta.url)
// d(x1, x2) = ‖f(x1) − f(x2)‖²
function squaredDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2
  return sum
}

const demoDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo')

function rotate(points: Point[], angle: number, about: Point): Point[] {
  const [c, s] = [Math.cos(angle), Math.sin(angle)]
  return points.map((p) => ({ x: about.x + c * (p.x - about.x) - s * (p.y - about.y), y: about.y + s * (p.x - about.x) + c * (p.y - about.y) }))
}

describe('face alignment', () => {
  let cache: ModelCache
  let models: FaceModels
  let photo: RgbImage
  let faces: Face[]

  beforeAll(async () => {
    await initBackend('wasm')
    cache = modelCache()
    models = await cache.faceModels()
    photo = (await decodeImage(readFileSync(path.join(demoDir, 'sample2.jpg')), { maxPixels: 960 * 680 })).image
    faces = await analyzeFaces(models, photo, { detector: 'ssd' })
  })

  afterAll(() => cache.dispose())

  it('when asked, puts the eyes level at a fixed eye-to-mouth distance, however the head is tilted', () => {
    for (const angle of [-0.5, -0.2, 0, 0.3, 0.6]) {
      const landmarks = rotate(faces[0].landmarks, angle, { x: 400, y: 300 })
      const t = chipTransform(landmarks, { levelEyes: true })
      const { leftEye, rightEye, mouth } = alignmentPoints(landmarks)
      const [l, r, m] = [leftEye, rightEye, mouth].map((p) => toChip(t, p))
      expect(Math.abs(l.y - r.y)).toBeLessThan(1e-6)
      expect(l.x).toBeLessThan(r.x)
      expect((Math.hypot(m.x - l.x, m.y - l.y) + Math.hypot(m.x - r.x, m.y - r.y)) / 2).toBeCloseTo(0.45 * 150, 6)
      expect((l.x + r.x + m.x) / 3).toBeCloseTo(75, 6)
      expect((l.y + r.y + m.y) / 3).toBeCloseTo(0.43 * 150, 6)
    }
  })

  it("by default, reproduces face-api's own pipeline (its unrotated dlib-style crop) for the same faces", async () => {
    const unlevelled = faces
    const dir = faceApiModelDir()
    await faceapi.nets.ssdMobilenetv1.loadFromDisk(dir)
    await faceapi.nets.faceLandmark68Net.loadFromDisk(dir)
    await faceapi.nets.faceRecognitionNet.loadFromDisk(dir)
    const pixels = tf.tensor3d(photo.data, [photo.height, photo.width, 3], 'int32')
    const reference = await faceapi
      .detectAllFaces(asLibraryTensor(pixels), new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 }))
      .withFaceLandmarks()
      .withFaceDescriptors()
    pixels.dispose()
    expect(reference).toHaveLength(faces.length)
    for (const theirs of reference) {
      const box = theirs.detection.box
      const ours = unlevelled.find((face) => Math.abs(face.box.x - box.x) < 2 && Math.abs(face.box.y - box.y) < 2)
      expect(ours).toBeDefined()
      // same person is d ≤ 0.36; what remains is sub-pixel sampling (we sample the photo once, bilinearly)
      expect(squaredDistance(ours!.descriptor, theirs.descriptor)).toBeLessThan(0.02)
    }
    faceapi.nets.ssdMobilenetv1.dispose()
    faceapi.nets.faceLandmark68Net.dispose()
    faceapi.nets.faceRecognitionNet.dispose()
  })
})
