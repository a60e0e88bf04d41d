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
import { meshOnCrops } from '../../../../src/main/face/faceMesh'
import { loadGraphModelFromDir } from '../../../../src/main/models/graphModel'
import { modelFiles } from '../../../../src/main/models/registry'
import { irisOnEyes } from '../../../../src/main/face/live/iris'
import type { LiveModels } from '../../../../src/main/face/live/liveModels'
import type { ModelCache } from '../../../../src/main/models/cache'
import { modelCache } from '../../../support/models'
import { eyeCrops, eyeLineRoll, eyeOpenness, landmarks68, meshRoll } from '../../../../src/main/face/live/meshGeometry'
import { uprightCrop } from '../../../../src/main/face/crops'
import { sampleBilinear } from '../../../../src/main/image/sample'
import type { Point } from '../../../../src/shared/geometry'
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
    const [onFace, offFace] = await meshOnCrops(models.face.faceMesh, photo, [{ box: crop }, { box: empty }])
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
    const [mesh] = await meshOnCrops(models.face.faceMesh, photo, [{ box: squareAround(face.box, 1.3) }])
    const eyes = await irisOnEyes(models.iris, photo, eyeCrops(mesh.points))
    for (const contour of eyes) {
      expect(contour).toHaveLength(76)
      expect(eyeOpenness(contour)).toBeGreaterThan(0.12)
      expect(eyeOpenness(contour)).toBeLessThan(0.5)
    }
    const [scores] = await passiveScores(models.antispoof, models.liveness, photo, [{ box: squareAround(face.box, 1.4) }])
    for (const value of [scores.antispoof, scores.liveness]) {
      expect(value).toBeGreaterThanOrEqual(0)
      expect(value).toBeLessThanOrEqual(1)
    }
  })

  describe('on a face rolled in the frame (the photo turned about it)', () => {
    const roll = 0.5 // radians, 29°: a head leaning well over, or a print held askew
    let centre: Point
    let turned: RgbImage
    // where the upright photo's points land in the turned one
    let expected: Point[]
    const turn = ({ x, y }: Point): Point => ({
      x: centre.x + Math.cos(roll) * (x - centre.x) - Math.sin(roll) * (y - centre.y),
      y: centre.y + Math.sin(roll) * (x - centre.x) + Math.cos(roll) * (y - centre.y)
    })
    const meanError = (points: readonly Point[]): number => points.reduce((sum, p, i) => sum + Math.hypot(p.x - expected[i].x, p.y - expected[i].y), 0) / points.length

    beforeAll(async () => {
      const face = faces[0]
      centre = boxCentre(face.box)
      const [upright] = await meshOnCrops(models.face.faceMesh, photo, [{ box: squareAround(face.box, 1.3) }])
      expected = upright.points.map(turn)
      // each pixel of the turned photo reads the upright photo at its point turned back by −roll
      const [cos, sin] = [Math.cos(roll), Math.sin(roll)]
      const map = { xu: cos, xv: sin, x0: centre.x - cos * centre.x - sin * centre.y - 0.5 + (cos + sin) / 2, yu: -sin, yv: cos, y0: centre.y + sin * centre.x - cos * centre.y - 0.5 + (cos - sin) / 2 }
      const pixels = new Float32Array(photo.width * photo.height * 3)
      sampleBilinear(photo, map, photo, pixels, 0)
      turned = { width: photo.width, height: photo.height, data: Uint8Array.from(pixels, (v) => Math.round(v * 255)) }
    })

    it("BlazeFace's eye keypoints give the roll", async () => {
      const found = await detectBlazeFace(models.face.blazeFace, turned, { minScore: 0.5, maxFaces: 10, iouThreshold: 0.3 })
      const nearest = found.reduce((a, b) => (Math.hypot(boxCentre(a.box).x - centre.x, boxCentre(a.box).y - centre.y) < Math.hypot(boxCentre(b.box).x - centre.x, boxCentre(b.box).y - centre.y) ? a : b))
      // the face leans a little in the photo already: the roll to find is the mesh's, turned
      expect(Math.abs(eyeLineRoll(nearest.keypoints[0], nearest.keypoints[1]) - meshRoll(expected))).toBeLessThan(0.1)
    })

    it('FaceMesh on the crop turned upright puts its points back in frame pixels, where the upright photo had them', async () => {
      const crop = uprightCrop(expected, meshRoll(expected), 1.3)
      const [onUpright, onAxes] = await meshOnCrops(models.face.faceMesh, turned, [crop, { box: crop.box }])
      const width = faces[0].box.width
      console.info(`mean point error on a face rolled 29°: crop turned upright ${(meanError(onUpright.points) / width).toFixed(4)}, crop along the frame's axes ${(meanError(onAxes.points) / width).toFixed(4)} of the face's width`)
      expect(meanError(onUpright.points)).toBeLessThan(0.03 * width)
      // the network was trained on upright faces: along the frame's axes it misplaces them (measured 0.08 of the width)
      expect(meanError(onUpright.points)).toBeLessThan(0.5 * meanError(onAxes.points))
      expect(Math.abs(meshRoll(onUpright.points) - meshRoll(expected))).toBeLessThan(0.05)
      // and Iris, on eye crops turned the same way, finds the eyes as open as on the upright photo
      const [uprightMesh] = await meshOnCrops(models.face.faceMesh, photo, [{ box: squareAround(faces[0].box, 1.3) }])
      const before = (await irisOnEyes(models.iris, photo, eyeCrops(uprightMesh.points))).map(eyeOpenness)
      const after = (await irisOnEyes(models.iris, turned, eyeCrops(onUpright.points))).map(eyeOpenness)
      console.info(`eye openness upright ${before.map((v) => v.toFixed(3))}, rolled 29° ${after.map((v) => v.toFixed(3))}`)
      after.forEach((value, i) => expect(Math.abs(value - before[i])).toBeLessThan(0.03))
    })

    it('the passive networks score the rolled face on its upright crop as they score the upright photo', async () => {
      const crop = uprightCrop(expected, meshRoll(expected), 1.3)
      const [uprightMesh] = await meshOnCrops(models.face.faceMesh, photo, [{ box: squareAround(faces[0].box, 1.3) }])
      const [upright] = await passiveScores(models.antispoof, models.liveness, photo, [uprightCrop(uprightMesh.points, meshRoll(uprightMesh.points), 1.3)])
      const [rolled, alongAxes] = await passiveScores(models.antispoof, models.liveness, turned, [crop, { box: crop.box }])
      console.info(`antispoof, liveness: upright photo ${upright.antispoof.toFixed(3)}, ${upright.liveness.toFixed(3)}; rolled 29° on the upright crop ${rolled.antispoof.toFixed(3)}, ${rolled.liveness.toFixed(3)}; along the axes ${alongAxes.antispoof.toFixed(3)}, ${alongAxes.liveness.toFixed(3)}`)
      // measured: 0.814, 0.985 upright; 0.814, 0.982 rolled on the upright crop; 0.796, 0.991 along the axes (the networks bend little)
      expect(Math.abs(rolled.antispoof - upright.antispoof)).toBeLessThan(0.01)
      expect(Math.abs(rolled.liveness - upright.liveness)).toBeLessThan(0.01)
    })
  })
})
