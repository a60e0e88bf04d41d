import { expect, test, type Browser, type Page } from '@playwright/test'
import { mkdtemp, readFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { appUrl } from './app'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { cropFace, demoPhoto } from '../support/faceCrops'
import { emptyDoorway, sharedDatasets } from '../support/datasets'
import { printAttack } from '../support/spoofs'
import { videoClip, videoTestsUnavailable } from '../support/videoClips'
import { browserWithCamera, writeY4m, writeY4mFrames } from './fakeCamera'

// Where two faces of face-api's demo sample1.jpg are (the detector's boxes, rounded): each
// camera video shows one of them, so the engine sees a real face it has to find itself.
const faceA = { x: 1476, y: 199, width: 202, height: 239 }
const faceB = { x: 838, y: 418, width: 188, height: 228 }

test.describe.configure({ mode: 'serial' })

let videoA: string
let videoB: string

test.beforeAll(async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'likeness-camera-'))
  const photo = await demoPhoto(1)
  videoA = path.join(dir, 'a.y4m')
  videoB = path.join(dir, 'b.y4m')
  await writeY4m(videoA, await cropFace(photo, faceA), 480, 560)
  await writeY4m(videoB, await cropFace(photo, faceB), 480, 560)
})

async function withCamera<T>(video: string, baseURL: string | undefined, use: (page: Page) => Promise<T>): Promise<T> {
  const browser: Browser = await browserWithCamera(video)
  try {
    const page = await browser.newPage({ baseURL, acceptDownloads: true })
    return await use(page)
  } finally {
    await browser.close()
  }
}

async function cameraReady(page: Page): Promise<void> {
  await expect.poll(() => page.getByTestId('webcam').evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0)
}

/** Enrolls the person the camera shows, from one capture in the Enroll view. */
async function enrollFromCamera(page: Page, name: string): Promise<void> {
  await page.goto(appUrl('enroll'))
  await page.getByTestId('enroll-name').fill(name)
  await cameraReady(page)
  await page.getByTestId('capture').click()
  await expect(page.getByTestId('shots').locator('img')).toHaveCount(1)
  await page.getByTestId('enroll-save').click()
  await expect(page.getByTestId('enroll-result')).toContainText(`${name} is enrolled`)
}

/** Lets the check-in loop answer `count` more frames. */
async function moreFrames(page: Page, count: number): Promise<void> {
  const done = page.getByTestId('frames-done')
  const start = Number(await done.getAttribute('data-count'))
  await expect.poll(async () => Number(await done.getAttribute('data-count')), { timeout: 120_000 }).toBeGreaterThanOrEqual(start + count)
}

const logRows = (page: Page) => page.getByTestId('checkin-log').locator('tbody tr:has(img), tbody tr:has(td:nth-child(3))')

test('front desk: enroll from the camera, check in, verify, export, refuse a bad gallery, delete', async ({ baseURL }) => {
  await withCamera(videoA, baseURL, async (page) => {
    await enrollFromCamera(page, 'Ada')

    // A still picture does not blink: under the default liveness setting the desk asks, and waits.
    await page.goto(appUrl('checkin'))
    await expect(page.getByTestId('face-labels')).toContainText('Ada: blink to check in')
    await expect(page.getByTestId('blink-prompt')).toHaveText('Blink to check in')
    // Said, not only drawn: who is in view, what the desk asks and the welcome reach a screen reader through live regions.
    await expect(page.getByTestId('faces-in-view')).toHaveText('In view: Ada: blink to check in')
    await expect(page.getByTestId('faces-in-view')).toHaveAttribute('aria-live', 'polite')
    await moreFrames(page, 6)
    await expect(logRows(page)).toHaveCount(0)

    // With liveness off, the same picture checks Ada in, once.
    await page.goto(appUrl('settings'))
    await page.getByTestId('settings-liveness').selectOption('off')
    await page.goto(appUrl('checkin'))
    await expect(page.getByTestId('faces-in-view')).toHaveText('In view: Ada')
    await expect(page.getByTestId('blink-prompt')).toHaveText('')
    await expect(logRows(page)).toHaveCount(1)
    await expect(page.getByTestId('welcome')).toContainText('Ada')
    await expect(page.getByTestId('welcome')).toHaveAttribute('role', 'status')
    await moreFrames(page, 6)
    await expect(logRows(page)).toHaveCount(1)
    await expect(page.getByTestId('fps')).toContainText('frames per second')

    const downloading = page.waitForEvent('download')
    await page.getByTestId('export-csv').click()
    const csv = await readFile((await (await downloading).path())!, 'utf8')
    const lines = csv.trim().split('\r\n')
    expect(lines[0]).toBe('time,person,distance')
    expect(lines).toHaveLength(2)
    expect(lines[1]).toContain(',Ada,')

    // Attendance: Ada's first in and last seen today, this week and this month; an arrival in the chart; the CSV.
    await page.goto(appUrl('attendance'))
    for (const period of ['day', 'week', 'month']) {
      await page.getByTestId(`period-${period}`).click()
      await expect(page.getByTestId('presence')).toHaveCount(1)
      await expect(page.getByTestId('presence')).toContainText('Ada')
    }
    await expect(page.getByTestId('arrivals-chart')).toHaveAttribute('aria-label', /^Arrivals per hour: \d+:00, 1$/)
    const attendance = page.waitForEvent('download')
    await page.getByTestId('attendance-csv').click()
    const bytes = await readFile((await (await attendance).path())!)
    // UTF-8 with a byte-order mark, which spreadsheets need to read Chinese names as written.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const table = bytes.subarray(3).toString('utf8').trim().split('\r\n')
    expect(table[0]).toBe('Day,Person,First in,Last seen,Check-ins')
    expect(table).toHaveLength(2)
    expect(table[1]).toMatch(/^\d{4}-\d\d-\d\d,Ada,\d{4}-\d\d-\d\dT[\d:]{8}[+-]\d\d:\d\d,[^,]+,1$/)

    await page.goto(appUrl('verify'))
    await expect(page.getByTestId('verify-person')).toContainText('Ada')
    await cameraReady(page)
    await page.getByTestId('verify-capture').click()
    await expect(page.getByTestId('verify-verdict')).toHaveText('Match: this is Ada.')
  })

  await withCamera(videoB, baseURL, async (page) => {
    await page.goto(appUrl('checkin'))
    await expect(page.getByTestId('face-labels').locator('li')).toHaveText([/^Unknown/])
    await moreFrames(page, 5)
    await expect(page.getByTestId('face-labels')).not.toContainText('Ada')
    await expect(logRows(page)).toHaveCount(1)

    await page.goto(appUrl('verify'))
    await expect(page.getByTestId('verify-person')).toContainText('Ada')
    await cameraReady(page)
    await page.getByTestId('verify-capture').click()
    await expect(page.getByTestId('verify-verdict')).toHaveText('No match: this is not Ada.')

    await page.goto(appUrl('gallery'))
    await expect(page.getByTestId('person')).toHaveCount(1)
    await page.getByTestId('gallery-passphrase').fill('front desk passphrase')
    const exported = page.waitForEvent('download')
    await page.getByTestId('gallery-export').click()
    const file = await readFile((await (await exported).path())!)
    const damaged = Buffer.from(file)
    damaged[Math.floor(damaged.length / 2)]! ^= 0xff
    await page.getByTestId('gallery-import').setInputFiles({ name: 'damaged.lkgallery', mimeType: 'application/octet-stream', buffer: damaged })
    await expect(page.getByTestId('import-problem')).toContainText('Nothing was imported')
    await expect(page.getByTestId('person')).toHaveCount(1)
    await expect(page.getByTestId('person')).toContainText('1 template')

    await page.getByTestId('delete').click()
    await page.getByTestId('confirm-delete').click()
    await expect(page.getByTestId('person')).toHaveCount(0)
  })

  await withCamera(videoA, baseURL, async (page) => {
    await page.goto(appUrl('checkin'))
    await expect(page.getByTestId('face-labels').locator('li')).toHaveText([/^Unknown/])
    await page.goto(appUrl('settings'))
    await page.getByTestId('settings-liveness').selectOption('blink')
  })
})

// The real thing at the camera: a recorded face that blinks on its own (d9, 0.4–0.7 s in) and a
// still of it held up and moved like a print. Both videos are made at test time (ffmpeg and the
// spoof maker) into a temporary folder; Chromium loops them. Needs ../shared/datasets and ffmpeg.
let live: string
let print: string

test('front desk on a real video: a still held up and moved like a print is asked to blink and checks nobody in', async ({ baseURL }) => {
  const unavailable = await videoTestsUnavailable()
  test.skip(unavailable !== null, `front desk video e2e ${unavailable}`)
  const dir = await mkdtemp(path.join(os.tmpdir(), 'likeness-camera-'))
  live = path.join(dir, 'd9.y4m')
  print = path.join(dir, 'd9-print.y4m')
  // Three seconds hold the blink; the still is held up for four, from a frame one second in.
  await promisify(execFile)('ffmpeg', ['-v', 'error', '-t', '3', '-i', path.join(sharedDatasets()!, 'video', 'd9.mp4'), '-vf', 'scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:-1:-1', '-pix_fmt', 'yuv420p', live])
  const [{ image: still }] = await videoClip('d9', 0.1, 1)
  const held = printAttack(still!, await emptyDoorway(), 11)
  await writeY4mFrames(print, Array.from({ length: 60 }, (_, i) => held((i * 1000) / 15).image), 15)

  await withCamera(live, baseURL, async (page) => {
    await enrollFromCamera(page, 'D9')
  })

  await withCamera(print, baseURL, async (page) => {
    await page.goto(appUrl('checkin'))
    await expect(page.getByTestId('face-labels')).toContainText('D9: blink to check in')
    await expect(page.getByTestId('blink-prompt')).toHaveText('Blink to check in')
    await moreFrames(page, 30)
    await expect(page.getByTestId('face-labels')).not.toContainText('checked in')
    await expect(logRows(page).filter({ hasText: 'D9' })).toHaveCount(0)
  })

  // Verify asking for a live face: no photo is taken, and the print, though it is D9, is refused
  // once its blink window (10 s) has passed without a blink.
  await withCamera(print, baseURL, async (page) => {
    await page.goto(appUrl('settings'))
    await page.getByTestId('settings-verify-liveness').selectOption('blink')
    await page.goto(appUrl('verify'))
    await expect(page.getByTestId('verify-live-only')).toHaveText('Verify needs a live face at the camera here: photos are not accepted.')
    await expect(page.getByTestId('verify-file')).toHaveCount(0)
    await expect(page.getByTestId('verify-capture')).toHaveCount(0)
    await cameraReady(page)
    await page.getByTestId('verify-live').click()
    await expect(page.getByTestId('verify-prompt')).toHaveText('Blink to verify', { timeout: 30_000 })
    await expect(page.getByTestId('verify-verdict')).toHaveText('Not verified: no sign of a live face.', { timeout: 60_000 })
    await page.goto(appUrl('settings'))
    await page.getByTestId('settings-verify-liveness').selectOption('off')
    await page.reload()
    await expect(page.getByTestId('settings-verify-liveness')).toHaveValue('off')
  })
})

// A blink lasts a few hundred milliseconds: the view has to answer frames often enough for one
// to fall in it (and the gaps around it must stay under 600 ms). Where the machine is too loaded
// for that, the test says so and skips rather than pass or fail on the load.
const blinkableFps = 5

test('front desk on a real video: the live face blinks and checks in once', async ({ baseURL }) => {
  test.skip(!live, 'needs the videos of the test before (../shared/datasets and ffmpeg)')
  test.setTimeout(300_000)
  await withCamera(live, baseURL, async (page) => {
    await page.goto(appUrl('checkin'))
    await expect(page.getByTestId('face-labels')).toContainText('D9')
    await moreFrames(page, 10)
    // The view's rate is over its last 5 s, which at first hold the worker's warm-up: read it again
    // for up to 20 s until it is steady enough to tell.
    const rate = async (): Promise<number> => Number((await page.getByTestId('fps').textContent())!.match(/([\d.]+) frames per second/)![1])
    let fps = await rate()
    for (const until = Date.now() + 20_000; fps < blinkableFps && Date.now() < until; fps = await rate()) await page.waitForTimeout(1000)
    console.log(`check-in view on the live video: ${fps} frames a second`)
    test.skip(fps < blinkableFps, `the check-in view answers ${fps} frames a second here, under the ${blinkableFps} a blink needs`)
    await expect(page.getByTestId('face-labels')).toContainText('D9 · checked in', { timeout: 120_000 })
    await expect(page.getByTestId('welcome')).toContainText('D9')
    await expect(logRows(page).filter({ hasText: 'D9' })).toHaveCount(1)
    await moreFrames(page, 20)
    await expect(logRows(page).filter({ hasText: 'D9' })).toHaveCount(1)
  })
})

// A face that speaks and does not blink: d12 from 2.4 to 5.2 s, looped (its blinks fall at 2.0 and
// 5.5 s; its eyes never close to the blink detector's level in between, checked at 25 fps). The
// change of its mouth stands in for the blink and, unlike a blink, is seen at any rate the view
// answers (3 frames a second in the unit tests), so this test needs no rate and never skips for one.
test('front desk on a real video: a face that speaks without blinking checks in once, at the rate the view answers', async ({ baseURL }) => {
  const unavailable = await videoTestsUnavailable()
  test.skip(unavailable !== null, `front desk video e2e ${unavailable}`)
  test.setTimeout(300_000)
  const speaking = path.join(await mkdtemp(path.join(os.tmpdir(), 'likeness-camera-')), 'd12.y4m')
  await promisify(execFile)('ffmpeg', ['-v', 'error', '-ss', '2.4', '-t', '2.8', '-i', path.join(sharedDatasets()!, 'video', 'd12.mp4'), '-vf', 'scale=640:480:force_original_aspect_ratio=decrease,pad=640:480:-1:-1', '-pix_fmt', 'yuv420p', speaking])
  await withCamera(speaking, baseURL, async (page) => {
    await enrollFromCamera(page, 'D12')
    await page.goto(appUrl('checkin'))
    await expect(page.getByTestId('face-labels')).toContainText('D12 · checked in', { timeout: 120_000 })
    console.log(`check-in view on the speaking face: ${(await page.getByTestId('fps').textContent())!}`)
    await expect(page.getByTestId('welcome')).toContainText('D12')
    await expect(logRows(page).filter({ hasText: 'D12' })).toHaveCount(1)
    await moreFrames(page, 20)
    await expect(logRows(page).filter({ hasText: 'D12' })).toHaveCount(1)
  })
})
