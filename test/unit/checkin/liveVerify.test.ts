import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Service } from '../../../src/main/service'
import type { LiveVerifyResult } from '../../../src/shared/api/face'
import type { RgbImage } from '../../../src/main/image/decode'
import { emptyDoorway } from '../../support/datasets'
import { keysOf } from '../../support/keys'
import { printAttack, screenReplay } from '../../support/spoofs'
import { frameJpeg as jpeg, videoClip, videoTestsUnavailable } from '../../support/videoClips'

// Verification at the camera through the real service and engine worker, on the real face videos
// of ../shared/datasets/video (decoded by ffmpeg): d9 blinks at 0.4–0.7 s into its video.
const workerScript = path.resolve('out/main/worker.js')
const unavailable = await videoTestsUnavailable()
if (unavailable) console.warn(`live verify tests ${unavailable}`)

describe.skipIf(unavailable !== null)('verify with a live face', () => {
  let service: Service
  let doorway: RgbImage
  const people: Record<string, string> = {}
  // Each verification starts a minute after the last: a pause that long starts a session afresh.
  let clock = Date.now()
  const frameMs = 1000 / 15

  /** Frames (at their times in ms from the start) until the verdict or the last frame: the answers, the last one first. */
  async function verifyOn(session: string, personId: string, frames: readonly { image: RgbImage; at: number }[]): Promise<LiveVerifyResult[]> {
    const answers: LiveVerifyResult[] = []
    const start = (clock += 60_000)
    for (const { image, at } of frames) {
      const answer = await service.call('face.verifyLive', { session, at: start + at, frame: { width: image.width, height: image.height, rgb: image.data }, personId })
      answers.unshift(answer)
      if (answer.verdict) break
    }
    return answers
  }

  beforeAll(async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'likeness-verify-'))
    service = await Service.open({ dataDir, keys: keysOf(dataDir), workerScript, host: 'cli', backend: 'wasm' })
    doorway = await emptyDoorway()
    for (const [name, second] of [['d9', 18], ['d0', 2.9]] as const) {
      const [frame] = await videoClip(name, 0.1, second)
      people[name] = (await service.call('face.enroll', { name, images: [await jpeg(frame!.image)] })).person.id
    }
    await service.call('settings.update', { verifyLiveness: 'blink' })
  })
  afterAll(async () => service?.close())

  it('refuses a photo when the setting asks for a live face, and takes one when it does not', async () => {
    const [frame] = await videoClip('d9', 0.1, 5)
    const photo = await jpeg(frame!.image)
    await expect(service.call('face.verify', { personId: people.d9!, image: photo })).rejects.toMatchObject({ kind: 'LiveFaceRequired' })
    await service.call('settings.update', { verifyLiveness: 'off' })
    try {
      expect(await service.call('face.verify', { personId: people.d9!, image: photo })).toMatchObject({ match: true, name: 'd9' })
    } finally {
      await service.call('settings.update', { verifyLiveness: 'blink' })
    }
  })

  it('verifies a real person at the camera once they have blinked', async () => {
    const frames = await videoClip('d9', 2)
    const [last, ...before] = await verifyOn('live-d9', people.d9!, frames)
    expect(last!.verdict).toMatchObject({ match: true, liveness: 'live' })
    expect(last!.verdict!.distance).toBeLessThanOrEqual(last!.threshold)
    // named before the blink, the view asked for one, and no answer before the blink was a verdict
    expect(before.some((a) => a.track?.name === 'd9' && a.track.prompt === 'blink' && a.verdict === null)).toBe(true)
  })

  it('says no at once to someone else claiming the name, blink or not', async () => {
    const frames = await videoClip('d9', 2)
    const [last] = await verifyOn('claims-d0', people.d0!, frames)
    expect(last!.verdict).toMatchObject({ match: false })
    expect(last!.verdict!.distance).toBeGreaterThan(last!.threshold)
    expect(last!.track?.name).toBeNull()
  })

  it('never verifies a print of the person, and calls it a spoof once the blink window has passed', async () => {
    const [{ image: still }] = await videoClip('d9', 0.1, 1)
    const print = printAttack(still!, doorway, 11)
    const frames = Array.from({ length: Math.ceil(11_500 / frameMs) }, (_, i) => ({ image: print(i * frameMs).image, at: i * frameMs }))
    const answers = await verifyOn('print-d9', people.d9!, frames)
    const [last] = answers
    expect(answers.every((a) => a.verdict === null || !a.verdict.match)).toBe(true)
    // recognised as d9 all along: only liveness refused it
    expect(answers.some((a) => a.track?.name === 'd9')).toBe(true)
    expect(last!.verdict).toMatchObject({ match: false, liveness: 'spoof' })
  })

  it('never verifies the same video replayed on a screen, though it blinks', async () => {
    const show = screenReplay(doorway, 5)
    const frames = (await videoClip('d9', 2)).map(({ image, at }) => ({ image: show(image, at).image, at }))
    const answers = await verifyOn('replay-d9', people.d9!, frames)
    expect(answers.some((a) => a.track?.name === 'd9')).toBe(true)
    expect(answers.every((a) => a.verdict === null || !a.verdict.match)).toBe(true)
    expect(answers[0]!.verdict).toMatchObject({ match: false, liveness: 'spoof' })
  })
})
