import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src/main/engine/backend'
import { detectBlazeFace } from '../../../../src/main/face/blazeFace'
import { boxCentre, iou } from '../../../../src/main/face/boxes'
import { LivePipeline } from '../../../../src/main/face/live/livePipeline'
import type { LiveModels } from '../../../../src/main/face/live/liveModels'
import type { ModelCache } from '../../../../src/main/models/cache'
import { modelCache } from '../../../support/models'
import type { LiveFrameResult } from '../../../../src/main/face/live/liveSession'
import type { FrameObservation } from '../../../../src/main/face/live/observeFrame'
import { emptyDoorway } from '../../../support/datasets'
import { videoClip, videoTestsUnavailable, type ClipFrame } from '../../../support/videoClips'

const unavailable = await videoTestsUnavailable()
if (unavailable) console.warn(`live tracker tests ${unavailable}`)

// Real frames: two seconds of d9, a second of an empty doorway, one second of d3.
describe.skipIf(unavailable !== null)('tracking faces across real video frames', () => {
  let cache: ModelCache
  let models: LiveModels
  let d9: ClipFrame[]
  let d3: ClipFrame[]
  const results: (LiveFrameResult & { observation: FrameObservation; phase: 'd9' | 'empty' | 'd3' })[] = []
  const slow: (LiveFrameResult & { observation: FrameObservation })[] = []

  beforeAll(async () => {
    await initBackend('wasm')
    cache = modelCache()
    models = await cache.liveModels()
    ;[d9, d3] = await Promise.all([videoClip('d9', 2), videoClip('d3', 1)])
    const empty = await emptyDoorway()
    // nobody is enrolled: tracking does not need a name
    const pipeline = new LivePipeline(models, (descriptors) => descriptors.map(() => ({ personId: null, distance: null })))
    let at = 0
    for (const frame of d9) results.push({ ...(await pipeline.frame(frame.image, (at = frame.at))), phase: 'd9' })
    for (let i = 1; i <= 15; i++) results.push({ ...(await pipeline.frame(empty, at + i * 66)), phase: 'empty' })
    at += 16 * 66
    for (const frame of d3) results.push({ ...(await pipeline.frame(frame.image, at + frame.at)), phase: 'd3' })
    // The same two seconds as a loaded view answers them: a frame every 340 ms or more.
    const slowPipeline = new LivePipeline(models, (descriptors) => descriptors.map(() => ({ personId: null, distance: null })))
    let next = 0
    for (const frame of d9.filter((f) => f.at >= next && (next = f.at + 340))) slow.push(await slowPipeline.frame(frame.image, frame.at))
  })

  afterAll(() => cache.dispose())

  it('follows the face of d9 as one track, detecting only now and then', () => {
    const d9Results = results.filter((r) => r.phase === 'd9')
    const ids = new Set(d9Results.flatMap((r) => r.tracks.map((t) => t.id)))
    expect(ids.size).toBe(1)
    expect(d9Results.every((r) => r.tracks.length === 1)).toBe(true)
    const detections = d9Results.filter((r) => r.observation.detected).length
    // every 330 ms over two seconds, and the first frame
    expect(detections).toBeLessThanOrEqual(8)
    expect(d9Results.length - detections).toBeGreaterThan(40)
  })

  it('tracks between detections in a view answering under 3 frames a second, where every frame is 330 ms after the last', () => {
    expect(slow.length).toBeGreaterThanOrEqual(5)
    expect(new Set(slow.flatMap((r) => r.tracks.map((t) => t.id))).size).toBe(1)
    expect(slow.every((r) => r.tracks.length === 1)).toBe(true)
    // the first frame, then one in three: two tracked frames between detections
    expect(slow.map((r) => r.observation.detected)).toEqual(slow.map((_, i) => i % 3 === 0))
  })

  it('keeps its box on the face the detector finds on its own in the same frames', async () => {
    for (const i of [5, 20, 35, 50]) {
      const [detected] = await detectBlazeFace(models.face.blazeFace, d9[i].image)
      const track = results[i].tracks[0]
      // BlazeFace's box runs brows to chin, the mesh's forehead to chin: the same face overlaps by well over half
      expect(iou(detected.box, track.faceBox), `frame ${i}`).toBeGreaterThan(0.5)
    }
  })

  it('ends the track when the face is gone and starts a new one for the next face', () => {
    const empty = results.filter((r) => r.phase === 'empty')
    const endedAt = empty.findIndex((r) => r.ended.length > 0)
    expect(endedAt).toBeGreaterThanOrEqual(0)
    expect(endedAt).toBeLessThanOrEqual(1)
    expect(empty.slice(endedAt).every((r) => r.tracks.length === 0)).toBe(true)
    const firstId = results[0].tracks[0].id
    const d3Results = results.filter((r) => r.phase === 'd3')
    expect(d3Results[0].tracks).toHaveLength(1)
    expect(d3Results[0].tracks[0].id).not.toBe(firstId)
    expect(new Set(d3Results.map((r) => r.tracks[0]?.id)).size).toBe(1)
  })

  it('smooths the overlay box: it moves less from frame to frame than the measured one', () => {
    const d9Results = results.filter((r) => r.phase === 'd9')
    const steps = { raw: 0, smoothed: 0 }
    for (let i = 1; i < d9Results.length; i++) {
      const [a, b] = [d9Results[i - 1].tracks[0], d9Results[i].tracks[0]]
      steps.raw += Math.hypot(boxCentre(b.faceBox).x - boxCentre(a.faceBox).x, boxCentre(b.faceBox).y - boxCentre(a.faceBox).y)
      steps.smoothed += Math.hypot(boxCentre(b.box).x - boxCentre(a.box).x, boxCentre(b.box).y - boxCentre(a.box).y)
    }
    expect(steps.smoothed).toBeLessThan(steps.raw)
  })
})
