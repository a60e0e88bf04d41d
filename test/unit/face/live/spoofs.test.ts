import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src/main/engine/backend'
import type { RgbImage } from '../../../../src/main/image/decode'
import { detectBlazeFace } from '../../../../src/main/face/blazeFace'
import { boxCentre } from '../../../../src/main/face/boxes'
import type { LiveModels } from '../../../../src/main/face/live/liveModels'
import type { ModelCache } from '../../../../src/main/models/cache'
import { modelCache } from '../../../support/models'
import { observeFrame } from '../../../../src/main/face/live/observeFrame'
import { emptyDoorway } from '../../../support/datasets'
import { printAttack, screenReplay } from '../../../support/spoofs'
import { videoClip, videoTestsUnavailable } from '../../../support/videoClips'

const unavailable = await videoTestsUnavailable()
if (unavailable) console.warn(`spoof maker tests ${unavailable}`)

const squaredDistance = (a: Float32Array, b: Float32Array): number => a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0)

// A still of d9 printed and held up, and d9 replayed on a screen, over an empty doorway.
describe.skipIf(unavailable !== null)('the spoof maker', () => {
  let cache: ModelCache
  let models: LiveModels
  let still: RgbImage
  let desk: RgbImage

  beforeAll(async () => {
    await initBackend('wasm')
    cache = modelCache()
    models = await cache.liveModels()
    ;[{ image: still }] = await videoClip('d9', 0.1, 1)
    desk = await emptyDoorway()
  })

  afterAll(() => cache.dispose())

  it('makes the same frames for the same seed and other frames for another', () => {
    expect(Buffer.from(printAttack(still, desk, 4)(500).image.data).equals(Buffer.from(printAttack(still, desk, 4)(500).image.data))).toBe(true)
    expect(Buffer.from(printAttack(still, desk, 4)(500).image.data).equals(Buffer.from(printAttack(still, desk, 5)(500).image.data))).toBe(false)
  })

  it('holds the print up rigidly: the face moves with the print and stays the same person', async () => {
    const print = printAttack(still, desk, 4)
    const [stillFace] = await detectBlazeFace(models.face.blazeFace, still)
    const offset = { x: boxCentre(stillFace.box).x - still.width / 2, y: boxCentre(stillFace.box).y - still.height / 2 }
    const [original] = (await observeFrame(models, still, { detect: true, follow: [] })).faces
    for (const t of [0, 800, 1600, 2400]) {
      const { image, pose } = print(t)
      // where the still's face must land: pose centre + R(angle)·diag(s, s·cos tilt)·offset
      const [cos, sin] = [Math.cos(pose.angle), Math.sin(pose.angle)]
      const [ox, oy] = [pose.scale * offset.x, pose.scale * Math.cos(pose.tilt) * offset.y]
      const expected = { x: pose.x + cos * ox - sin * oy, y: pose.y + sin * ox + cos * oy }
      const [face] = (await observeFrame(models, image, { detect: true, follow: [] })).faces
      const centre = boxCentre(face.faceBox)
      expect(Math.hypot(centre.x - expected.x, centre.y - expected.y), `t = ${t}`).toBeLessThan(0.15 * face.faceBox.width)
      expect(squaredDistance(face.descriptor!, original.descriptor!)).toBeLessThan(0.2)
    }
  })

  it('leaves the doorway around the print as it was, but for sensor noise', () => {
    const { image } = printAttack(still, desk, 4)(0)
    // the top-left corner is outside any print of this size and pose
    let difference = 0
    for (let y = 0; y < 20; y++) for (let x = 0; x < 20; x++) for (let c = 0; c < 3; c++) difference += Math.abs(image.data[(y * 640 + x) * 3 + c] - desk.data[(y * 640 + x) * 3 + c])
    expect(difference / (20 * 20 * 3)).toBeLessThan(3)
  })

  it('shows the replayed video inside a dark bezel', () => {
    const { image, pose } = screenReplay(desk, 9)(still, 0)
    // the middle of the top bezel (26 px of a 692 × 532 screen), carried into the frame by the screen's pose
    const screen = { width: 640 + 52, height: 480 + 52 }
    const [px, py] = [0, 13 - screen.height / 2]
    const [cos, sin] = [Math.cos(pose.angle), Math.sin(pose.angle)]
    const [sx, sy] = [pose.scale * px, pose.scale * Math.cos(pose.tilt) * py]
    const [x, y] = [Math.round(pose.x + cos * sx - sin * sy), Math.round(pose.y + sin * sx + cos * sy)]
    const i = (y * 640 + x) * 3
    expect((image.data[i] + image.data[i + 1] + image.data[i + 2]) / 3).toBeLessThan(50)
    // and the picture just below it is the video's (d9's room is bright)
    const j = ((y + Math.round(30 * pose.scale)) * 640 + x) * 3
    expect((image.data[j] + image.data[j + 1] + image.data[j + 2]) / 3).toBeGreaterThan(100)
  })
})
