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

  // d12 speaks through its first six seconds and never blinks where 15 frames a second see it
  // (its one blink, 120 ms, falls between them): the mouth lets it in where the blink cannot.
  it('lets d12, who speaks but shows no blink, in at 15 and at 3 frames a second', async () => {
    const d12 = await videoClip('d12', 6)
    const atFifteen = await expressionPeak(models, atRate(d12, 15))
    expect(atFifteen.blinked).toBe(false)
    expect(atFifteen.peak).toBeGreaterThan(2 * defaultLiveness.minExpression!)
    expect((await expressionPeak(models, atRate(d12, 3))).peak).toBeGreaterThan(defaultLiveness.minExpression!)
  })

  // A still of d0 mid-word (its mouth open, where a tilt moves FaceMesh's lips most), held up and
  // swung harder than bench:liveness's prints: turned ±0.35 rad, tilted back to 46°.
  it('stays well under the threshold on a print swung hard', async () => {
    const [{ image: still }] = await videoClip('d0', 0.1, 1.56)
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
  it('takes the larger range of opening and width over the window, and ignores one odd frame', () => {
    const evidence = new ExpressionEvidence({ windowMs: 1000, minFrames: 4 })
    const closed = face({ gap: 0, width: 30 })
    for (let at = 0; at < 400; at += 100) evidence.add(closed, at)
    expect(evidence.summary).toEqual({ change: null, peak: null })
    // one frame with the lips apart by half the lips' height (a landmark glitch): the median of three drops it
    evidence.add(face({ gap: 10, width: 30 }), 400)
    for (let at = 500; at < 800; at += 100) evidence.add(closed, at)
    expect(evidence.summary.peak).toBe(0)
    // a smile: the corners 30 → 36 apart over eyes 60 apart, held, so the median follows it
    for (let at = 800; at < 1100; at += 100) evidence.add(face({ gap: 0, width: 36 }), at)
    expect(evidence.summary.change).toBeCloseTo(0.1, 6)
    // once the window has moved past the change, the change is gone but the peak stays
    for (let at = 1100; at < 2500; at += 100) evidence.add(face({ gap: 0, width: 36 }), at)
    expect(evidence.summary).toEqual({ change: 0, peak: expect.closeTo(0.1, 6) })
  })
})
