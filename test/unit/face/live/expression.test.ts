import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../src/main/engine/backend'
import type { RgbImage } from '../../../../src/main/image/decode'
import type { Point } from '../../../../src/shared/geometry'
import { LivePipeline } from '../../../../src/main/face/live/livePipeline'
import type { LiveModels } from '../../../../src/main/face/live/liveModels'
import type { ModelCache } from '../../../../src/main/models/cache'
import { ExpressionEvidence } from '../../../../src/main/face/live/expressionEvidence'
import { defaultLiveness } from '../../../../src/main/face/live/livenessVerdict'
import { modelCache } from '../../../support/models'
import { emptyDoorway } from '../../../support/datasets'
import { printAttack } from '../../../support/spoofs'
import { videoClip, videoTestsUnavailable } from '../../../support/videoClips'

const unavailable = await videoTestsUnavailable()
if (unavailable) console.warn(`expression tests ${unavailable}`)

/** The frames a camera view answering `rate` frames a second would take: the first at or after each of its ticks. */
function atRate<T extends { at: number }>(frames: readonly T[], rate: number): T[] {
  const taken: T[] = []
  for (const frame of frames) if (frame.at + 1e-6 >= taken.length * (1000 / rate)) taken.push(frame)
  return taken
}

/** The highest change of the mouth any track showed over the frames, and whether any track blinked; nobody enrolled. */
async function expressionPeak(models: LiveModels, frames: readonly { image: RgbImage; at: number }[]): Promise<{ peak: number; blinked: boolean }> {
  const pipeline = new LivePipeline(models, (descriptors) => descriptors.map(() => ({ personId: null, distance: null })))
  let peak = 0
  let blinked = false
  for (const { image, at } of frames) {
    const { tracks } = await pipeline.frame(image, at)
    for (const t of tracks) {
      peak = Math.max(peak, t.liveness.expression.peak ?? 0)
      blinked ||= t.liveness.blinkSeenAt !== null
    }
  }
  return { peak, blinked }
}

describe.skipIf(unavailable !== null)("the mouth's change, on real frames", () => {
  let cache: ModelCache
  let models: LiveModels

  beforeAll(async () => {
    await initBackend('wasm')
    cache = modelCache()
    models = await cache.liveModels()
  })

  afterAll(() => cache.dispose())

  // d12 speaks through its first six seconds and shows no blink at 15 frames a second (its
  // blinks, about 120 ms, fall between them): the mouth lets it in where the blink cannot.
  it('lets d12, who speaks but shows no blink, in at 15 and at 3 frames a second', async () => {
    const d12 = await videoClip('d12', 6)
    const atFifteen = await expressionPeak(models, atRate(d12, 15))
    expect(atFifteen.blinked).toBe(false)
    expect(atFifteen.peak).toBeGreaterThan(2 * defaultLiveness.minExpression!)
    expect((await expressionPeak(models, atRate(d12, 3))).peak).toBeGreaterThan(defaultLiveness.minExpression!)
  })

  // A still of d6 mid-word, held up and swung harder than bench:liveness's prints (turned ±0.35
  // rad, tilted back to 46°): on the frames the tracker carries, FaceMesh shuts its mouth now and
  // then (a change of 0.43); on the frames the detector anchors it does not.
  it('stays well under the threshold on a print swung hard', async () => {
    const [{ image: still }] = await videoClip('d6', 0.1, 16.8)
    const print = printAttack(still, await emptyDoorway(), 101, { turn: 0.35, tilt: 0.8 })
    const frames = Array.from({ length: 90 }, (_, i) => ({ image: print((i * 1000) / 15).image, at: (i * 1000) / 15 }))
    const { peak } = await expressionPeak(models, frames)
    expect(peak).toBeGreaterThan(0)
    expect(peak).toBeLessThan(0.7 * defaultLiveness.minExpression!)
  })
})

/** A mesh of 468 points with the lips and the corners of the eyes and mouth where `mouth` puts them. */
function face(mouth: { gap: number; width: number }): Point[] {
  const mesh: Point[] = Array.from({ length: 468 }, () => ({ x: 50, y: 50 }))
  mesh[33] = { x: 20, y: 40 }
  mesh[263] = { x: 80, y: 40 }
  mesh[0] = { x: 50, y: 70 }
  mesh[17] = { x: 50, y: 90 }
  mesh[13] = { x: 50, y: 80 - mouth.gap / 2 }
  mesh[14] = { x: 50, y: 80 + mouth.gap / 2 }
  mesh[61] = { x: 50 - mouth.width / 2, y: 80 }
  mesh[291] = { x: 50 + mouth.width / 2, y: 80 }
  return mesh
}

describe("the mouth's change over a track", () => {
  it('takes the larger range of opening and width over the window, once it holds enough frames, and keeps the peak', () => {
    const evidence = new ExpressionEvidence({ windowMs: 1000, minFrames: 3 })
    const closed = face({ gap: 0, width: 30 })
    evidence.add(closed, 0)
    evidence.add(closed, 300)
    expect(evidence.summary).toEqual({ change: null, peak: null })
    evidence.add(closed, 600)
    expect(evidence.summary).toEqual({ change: 0, peak: 0 })
    // a smile: the corners 30 → 36 apart over eyes 60 apart
    evidence.add(face({ gap: 0, width: 36 }), 900)
    expect(evidence.summary.change).toBeCloseTo(0.1, 6)
    // speech: the lips apart by half their height
    evidence.add(face({ gap: 10, width: 30 }), 1200)
    expect(evidence.summary.change).toBeCloseTo(0.5, 6)
    // once the window has moved past both, the change is gone but the peak stays
    for (const at of [2200, 2500, 2800]) evidence.add(closed, at)
    expect(evidence.summary).toEqual({ change: 0, peak: expect.closeTo(0.5, 6) })
  })
})
