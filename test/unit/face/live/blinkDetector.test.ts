import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src/main/engine/backend'
import { BlinkDetector } from '../../../../src/main/face/live/blinkDetector'
import type { LiveModels } from '../../../../src/main/face/live/liveModels'
import type { ModelCache } from '../../../../src/main/models/cache'
import { modelCache } from '../../../support/models'
import { observeFrame, type FramePlan } from '../../../../src/main/face/live/observeFrame'
import { videoClip, videoTestsUnavailable } from '../../../support/videoClips'

const unavailable = await videoTestsUnavailable()
if (unavailable) console.warn(`blink detector tests ${unavailable}`)

/** Each frame's eye openness from Iris, the face's crop followed from frame to frame by FaceMesh. */
async function openness(models: LiveModels, name: string, seconds: number): Promise<{ at: number; left: number; right: number }[]> {
  let plan: FramePlan = { detect: true, follow: [] }
  const series: { at: number; left: number; right: number }[] = []
  for (const frame of await videoClip(name, seconds)) {
    const [face] = (await observeFrame(models, frame.image, plan)).faces
    series.push({ at: frame.at, left: face.openness![0], right: face.openness![1] })
    plan = { detect: false, follow: [{ trackId: 1, cropBox: face.cropBox, roll: face.roll, encodeAbove: null, passive: false }] }
  }
  return series
}

function blinks(series: { at: number; left: number; right: number }[]): number[] {
  const detector = new BlinkDetector()
  return series.flatMap(({ at, left, right }) => {
    const blink = detector.observe(left, right, at)
    return blink ? [blink.to] : []
  })
}

// Real frames of three videos, looked at frame by frame (ground truth read off the frames by eye).
describe.skipIf(unavailable !== null)('blinks in real video', () => {
  let cache: ModelCache
  let models: LiveModels

  beforeAll(async () => {
    await initBackend('wasm')
    cache = modelCache()
    models = await cache.liveModels()
  })

  afterAll(() => cache.dispose())

  it('finds the one blink of d0 (eyes shut at frames 65–67 of 25 fps, open again at 68)', async () => {
    const found = blinks(await openness(models, 'd0', 3.2))
    expect(found).toHaveLength(1)
    expect(found[0]).toBeGreaterThanOrEqual(2600)
    expect(found[0]).toBeLessThanOrEqual(2800)
  })

  it('takes a wink for no blink, and the blink after it for one (d3: right eye shut 1.1–1.55 s, both 1.6–1.7 s)', async () => {
    const found = blinks(await openness(models, 'd3', 1.9))
    expect(found).toHaveLength(1)
    expect(found[0]).toBeGreaterThan(1600)
  })

  it('finds the blink of d0 at 3 frames a second when one frame falls in it, and none when none does', async () => {
    const series = await openness(models, 'd0', 3.2)
    // every 8th frame of 25 fps: frame 65 (shut) is one of them in the first phase, none of 65–67 in the second
    const every8th = (phase: number) => series.filter((_, i) => i % 8 === phase)
    expect(blinks(every8th(65 % 8))).toHaveLength(1)
    expect(blinks(every8th(4))).toEqual([])
  })

  it('finds none while the eyes stay open (d19, 8 s of a steady gaze)', async () => {
    expect(blinks(await openness(models, 'd19', 8.4))).toEqual([])
  })
})
