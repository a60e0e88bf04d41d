import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import sharp from 'sharp'
import { initBackend } from '../../../../src/main/engine/backend'
import type { RgbImage } from '../../../../src/main/image/decode'
import type { LiveModels } from '../../../../src/main/face/live/liveModels'
import type { ModelCache } from '../../../../src/main/models/cache'
import { moireProminence } from '../../../../src/main/face/live/moire'
import { observeFrame } from '../../../../src/main/face/live/observeFrame'
import { defaultRecapture, RecaptureEvidence } from '../../../../src/main/face/live/recaptureEvidence'
import { modelCache } from '../../../support/models'
import { emptyDoorway } from '../../../support/datasets'
import { printAttack, screenReplay } from '../../../support/spoofs'
import { videoClip, videoTestsUnavailable } from '../../../support/videoClips'

const unavailable = await videoTestsUnavailable()
if (unavailable) console.warn(`recapture (moiré) tests ${unavailable}`)

const { minScreen } = defaultRecapture

async function jpeg(image: RgbImage, quality: number): Promise<RgbImage> {
  const encoded = await sharp(Buffer.from(image.data), { raw: { width: image.width, height: image.height, channels: 3 } }).jpeg({ quality }).toBuffer()
  const { data } = await sharp(encoded).raw().toBuffer({ resolveWithObject: true })
  return { width: image.width, height: image.height, data: new Uint8Array(data) }
}

/** The frame's brightness modulated by a grating of `contrast` and `pitch` px at `angle`: a periodic pattern, whatever made it. */
function withGrating(image: RgbImage, contrast: number, pitch: number, angle: number): RgbImage {
  const data = new Uint8Array(image.data.length)
  for (let v = 0; v < image.height; v++) {
    for (let u = 0; u < image.width; u++) {
      const gain = 1 + contrast * Math.cos((2 * Math.PI * (u * Math.cos(angle) + v * Math.sin(angle))) / pitch)
      for (let c = 0; c < 3; c++) data[(v * image.width + u) * 3 + c] = Math.min(255, Math.round(image.data[(v * image.width + u) * 3 + c] * gain))
    }
  }
  return { ...image, data }
}

// Real frames: d9 as the camera sees it (the video's own compression and noise), the same frames
// replayed on the simulated screen, and a still of it printed, over an empty doorway.
describe.skipIf(unavailable !== null)('moiré on the face, the trace of a screen', () => {
  let cache: ModelCache
  let models: LiveModels
  let desk: RgbImage
  let frames: RgbImage[]

  beforeAll(async () => {
    await initBackend('wasm')
    cache = modelCache()
    models = await cache.liveModels()
    desk = await emptyDoorway()
    // a frame every 0.4 s over 2.4 s
    frames = (await videoClip('d9', 2.4)).filter((_, i) => i % 10 === 0).map((f) => f.image)
  })

  afterAll(() => cache.dispose())

  const prominences = async (images: RgbImage[]): Promise<number[]> => {
    const found: number[] = []
    for (const image of images) {
      const [face] = (await observeFrame(models, image, { detect: true, follow: [] })).faces
      found.push(face.moire!)
      // the observation's moiré is moireProminence on the face's box
      expect(face.moire).toBe(moireProminence(image, face.faceBox))
    }
    return found
  }

  it('stays under the screen threshold on live frames, as they come and after JPEG at quality 40', async () => {
    const live = await prominences(frames)
    const compressed = await prominences(await Promise.all(frames.map((f) => jpeg(f, 40))))
    expect(Math.max(...live, ...compressed)).toBeLessThan(minScreen)
  })

  it('stays under it on a print, held up and moved', async () => {
    const print = printAttack(frames[0], desk, 3)
    expect(Math.max(...(await prominences([0, 700, 1400, 2100].map((t) => print(t).image))))).toBeLessThan(minScreen)
  })

  it('goes over it on the same frames replayed on a screen', async () => {
    const replay = screenReplay(desk, 7)
    expect(Math.min(...(await prominences(frames.map((f, k) => replay(f, 400 * k).image))))).toBeGreaterThanOrEqual(minScreen)
  })

  it('finds a faint grating of another pitch than the simulator draws: 3% at 5 px on live frames', async () => {
    expect(Math.min(...(await prominences(frames.map((f) => withGrating(f, 0.03, 5, 0.4)))))).toBeGreaterThanOrEqual(minScreen)
  })
})

describe('a track seen through a screen', () => {
  it('is pending until minSamples frames, then judged on the median of its window', () => {
    const evidence = new RecaptureEvidence({ window: 5, minSamples: 3, minScreen: 10 })
    evidence.add(40)
    evidence.add(4)
    expect(evidence.summary).toEqual({ moire: 22, samples: 2, verdict: 'pending' })
    evidence.add(5)
    expect(evidence.summary.verdict).toBe('clear')
    // one frame's peak does not make a screen; a run of them does
    for (const p of [30, 30, 30]) evidence.add(p)
    expect(evidence.summary).toEqual({ moire: 30, samples: 5, verdict: 'screen' })
  })
})
