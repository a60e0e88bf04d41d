import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Service } from '../../../src/main/service'
import type { FrameResult } from '../../../src/shared/api/checkin'
import type { RgbImage } from '../../../src/main/image/decode'
import { emptyDoorway } from '../../support/datasets'
import { keysOf } from '../../support/keys'
import { printAttack } from '../../support/spoofs'
import { frameJpeg as jpeg, videoClip, videoTestsUnavailable } from '../../support/videoClips'
import sharp from 'sharp'
import { defaultLiveness } from '../../../src/main/face/live/livenessVerdict'

// The front desk through the real service and engine worker, on the real face videos of
// ../shared/datasets/video (decoded by ffmpeg) with the default liveness setting (blink): the
// recorded people blink on their own (d9 at 0.4–0.7 s, d0 at 2.6 s), and d0 speaks from the start.
const workerScript = path.resolve('out/main/worker.js')
const unavailable = await videoTestsUnavailable()
if (unavailable) console.warn(`front desk tests ${unavailable}`)

describe.skipIf(unavailable !== null)('the front desk on real video', () => {
  let service: Service
  let doorway: RgbImage
  const show = async (session: string, image: RgbImage, at: number): Promise<FrameResult> =>
    service.call('checkin.frame', { session, at, frame: { width: image.width, height: image.height, rgb: image.data } })

  beforeAll(async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'likeness-desk-'))
    service = await Service.open({ dataDir, keys: keysOf(dataDir), workerScript, host: 'cli', backend: 'wasm' })
    doorway = await emptyDoorway()
    // Each person enrolled from a frame late in their own video; the desk sees the start of it.
    for (const [name, second] of [['d9', 18], ['d0', 2.9]] as const) {
      const [frame] = await videoClip(name, 0.1, second)
      await service.call('face.enroll', { name, images: [await jpeg(frame!.image)] })
    }
  })
  afterAll(async () => service?.close())

  it('checks each person of a real video in exactly once, after their blink or their first words, with the evidence', async () => {
    const start = Date.now()
    const results: FrameResult[] = []
    let clock = start
    for (const [name, seconds] of [['d9', 2], ['d0', 3.2]] as const) {
      for (let t = 0; t < 500; t += 1000 / 15) results.push(await show('front', doorway, (clock += 1000 / 15)))
      const from = clock
      for (const frame of await videoClip(name, seconds)) results.push(await show('front', frame.image, (clock = from + frame.at)))
    }
    const checkedIn = results.flatMap((r) => r.checkedIn)
    expect(checkedIn.map((c) => c.personName)).toEqual(['d9', 'd0'])
    for (const c of checkedIn) expect(c.liveness).toMatchObject({ mode: 'blink', antispoof: expect.any(Number), liveness: expect.any(Number), moire: expect.any(Number) })
    // d9 on its blink; d0 on its mouth, speaking before its blink
    const [d9, d0] = checkedIn.map((c) => c.liveness!)
    expect(d9.blinkSeenAt).toEqual(expect.any(Number))
    expect(d0.blinkSeenAt).toBeNull()
    expect(d0.expression).toBeGreaterThanOrEqual(defaultLiveness.minExpression!)
    expect((await service.call('checkin.log', {})).map((c) => c.personName).sort()).toEqual(['d0', 'd9'])
    // no frame names anyone wrongly, and the overlay asked for a blink before the check-in
    const names = new Set(results.flatMap((r) => r.tracks.map((t) => t.name)).filter((n) => n !== null))
    expect([...names].sort()).toEqual(['d0', 'd9'])
    const d9Frames = results.filter((r) => r.tracks.some((t) => t.name === 'd9'))
    expect(d9Frames[0]!.tracks[0]!.prompt).toBe('blink')
    expect(d9Frames.at(-1)!.tracks[0]).toMatchObject({ prompt: null, liveness: 'live', checkedIn: true })
  })

  it('checks nobody in from a still held up and moved like a print, asking it to blink throughout', async () => {
    // no interval to hide behind: only liveness may keep the print out
    await service.call('settings.update', { checkInIntervalMinutes: 0 })
    const [{ image: still }] = await videoClip('d9', 0.1, 1)
    const print = printAttack(still!, doorway, 7)
    const start = Date.now() + 60_000
    const results: FrameResult[] = []
    for (let t = 0; t < 4000; t += 1000 / 15) results.push(await show('print', print(t).image, start + t))
    expect(results.flatMap((r) => r.checkedIn)).toEqual([])
    const tracked = results.filter((r) => r.tracks.length > 0)
    expect(tracked.length).toBeGreaterThan(results.length * 0.9)
    // the print is recognised as d9 — only liveness keeps it out
    expect(tracked.some((r) => r.tracks[0]!.name === 'd9')).toBe(true)
    expect(tracked.every((r) => r.tracks.every((t) => t.prompt === 'blink' && !t.checkedIn))).toBe(true)
    // the same print with liveness off is checked in: the setting is what kept it out
    await service.call('settings.update', { liveness: 'off' })
    const off: FrameResult[] = []
    for (let t = 0; t < 1000; t += 1000 / 15) off.push(await show('print-off', print(t).image, start + 10_000 + t))
    expect(off.flatMap((r) => r.checkedIn).map((c) => [c.personName, c.liveness?.mode])).toEqual([['d9', 'off']])
  })

  it('takes frames as the camera view sends them, JPEG at quality 0.9, and refuses a frame that is not a picture in words', async () => {
    await service.call('settings.update', { liveness: 'blink' })
    const sent = async (image: RgbImage, at: number): Promise<FrameResult> =>
      service.call('checkin.frame', { session: 'jpeg', at, frame: { jpeg: new Uint8Array(await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer()) } })
    const start = Date.now() + 120_000
    const results: FrameResult[] = []
    for (const frame of await videoClip('d9', 2)) {
      results.push(await sent(frame.image, start + frame.at))
      if (results.length === 5) {
        // a torn frame and bytes that are no picture: typed errors, and the session goes on
        const whole = (await jpeg(frame.image)).subarray(0, 4000)
        await expect(service.call('checkin.frame', { session: 'jpeg', at: start + frame.at + 1, frame: { jpeg: whole } })).rejects.toMatchObject({ kind: 'CorruptImage' })
        await expect(service.call('checkin.frame', { session: 'jpeg', at: start + frame.at + 2, frame: { jpeg: new TextEncoder().encode('not a picture') } })).rejects.toMatchObject({ kind: 'NotAnImage' })
      }
    }
    expect(results[0]).toMatchObject({ width: 640, height: 480 })
    expect(new Set(results.flatMap((r) => r.tracks.map((t) => t.id))).size).toBe(1)
    expect(results.flatMap((r) => r.checkedIn).map((c) => [c.personName, c.liveness?.mode])).toEqual([['d9', 'blink']])
    // a frame beyond what the desk takes is refused by the contract before any work
    await expect(service.call('checkin.frame', { session: 'jpeg', at: start + 5000, frame: { jpeg: new Uint8Array(5 * 1024 * 1024) } })).rejects.toMatchObject({ kind: 'BadRequest' })
  })
})
