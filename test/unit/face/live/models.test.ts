import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src/main/engine/backend'
import { decodeImage, type RgbImage } from '../../../../src/main/image/decode'
import { analyzeFaces } from '../../../../src/main/face/analyze'
import type { Face } from '../../../../src/main/face/types'
import { detectBlazeFace } from '../../../../src/main/face/blazeFace'
import { boxCentre, iou, squareAround } from '../../../../src/main/face/boxes'
import { meshOnBoxes } from '../../../../src/main/face/faceMesh'
import { loadGraphModelFromDir } from '../../../../src/main/models/graphModel'
import { modelFiles } from '../../../../src/main/models/registry'
import { irisOnEyes } from '../../../../src/main/face/live/iris'
import type { LiveModels } from '../../../../src/main/face/live/liveModels'
import type { ModelCache } from '../../../../src/main/models/cache'
import { modelCache } from '../../../support/models'
import { eyeBoxes, eyeOpenness, landmarks68 } from '../../../../src/main/face/live/meshGeometry'
import { passiveScores } from '../../../../src/main/face/live/passiveNets'
import { demoPhoto } from '../../../support/faceCrops'

// Real weights from node_modules, real faces from face-api's demo photos (shipped in its package).
describe('the live networks, loaded from @vladmandic/human with our tfjs', () => {
  let cache: ModelCache
  let models: LiveModels
  let photo: RgbImage
  let faces: Face[]

  beforeAll(async () => {
    await initBackend('wasm')
    cache = modelCache()
    models = await cache.liveModels()
    photo = (await decodeImage(await demoPhoto(6), { maxPixels: 960 * 640 })).image
    faces = await analyzeFaces(models.face, photo, { detector: 'ssd' })
  })

  afterAll(() => cache.dispose())

  it('refuses a folder without the network as not installed, and a damaged model file as malformed', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'likeness-models-'))
    await expect(loadGraphModelFromDir(dir, 'blazeface')).rejects.toMatchObject({ kind: 'ModelUnavailable' })
    writeFileSync(path.join(dir, 'blazeface.json'), JSON.stringify({ format: 'graph-model', weightsManifest: [] }))
    await expect(loadGraphModelFromDir(dir, 'blazeface')).rejects.toMatchObject({ kind: 'ModelUnavailable' })
    expect(modelFiles('blazeFace', { dataDir: dir })[0]).toMatch(/@vladmandic[/\\]human[/\\]models[/\\]blazeface\.json$/)
  })

  it('BlazeFace finds the faces SSD finds in a group photo', async () => {
    const found = await detectBlazeFace(models.face.blazeFace, photo, { minScore: 0.5, maxFaces: 10, iouThreshold: 0.3 })
    expect(faces.length).toBeGreaterThanOrEqual(3)
    for (const face of faces) {
      const centre = boxCentre(face.box)
      const match = found.find((d) => Math.hypot(boxCentre(d.box).x - centre.x, boxCentre(d.box).y - centre.y) < face.box.width / 3)
      expect(match, `a BlazeFace box near the face at ${Math.round(centre.x)},${Math.round(centre.y)}`).toBeDefined()
      expect(match!.keypoints).toHaveLength(6)
    }
  })

  it('FaceMesh puts its 468 points on the face, with a high face score, and a low one on a crop without a face', async () => {
    const face = faces[0]
    const crop = squareAround(face.box, 1.3)
    // the same size of crop, moved down below every face: shirts and background
    const lowest = Math.max(...faces.map((f) => f.box.y + f.box.height))
    const empty = { ...crop, y: Math.min(photo.height - crop.height, lowest + 10) }
    expect(faces.every((f) => iou(f.box, empty) === 0)).toBe(true)
    const [onFace, offFace] = await meshOnBoxes(models.face.faceMesh, photo, [crop, empty])
    expect(onFace.points).toHaveLength(468)
    expect(onFace.faceScore).toBeGreaterThan(0.9)
    expect(offFace.faceScore).toBeLessThan(0.5)
    // the mesh's eye corners and mouth sit where face-api's 68-point net puts them
    const mapped = landmarks68(onFace.points)
    for (const i of [36, 39, 42, 45, 48, 54]) {
      expect(Math.hypot(mapped[i].x - face.landmarks[i].x, mapped[i].y - face.landmarks[i].y)).toBeLessThan(0.1 * face.box.width)
    }
  })

  it('Iris outlines open eyes, and the passive networks score a face crop in [0, 1]', async () => {
    const face = faces[0]
    const [mesh] = await meshOnBoxes(models.face.faceMesh, photo, [squareAround(face.box, 1.3)])
    const [left, right] = eyeBoxes(mesh.points)
    const eyes = await irisOnEyes(models.iris, photo, [{ box: left }, { box: right, mirrored: true }])
    for (const contour of eyes) {
      expect(contour).toHaveLength(76)
      expect(eyeOpenness(contour)).toBeGreaterThan(0.12)
      expect(eyeOpenness(contour)).toBeLessThan(0.5)
    }
    const [scores] = await passiveScores(models.antispoof, models.liveness, photo, [squareAround(face.box, 1.4)])
    for (const value of [scores.antispoof, scores.liveness]) {
      expect(value).toBeGreaterThanOrEqual(0)
      expect(value).toBeLessThanOrEqual(1)
    }
  })
})
