/**
 * The check-in view's own rate, against the pipeline it drives: Debian's Chromium shows the
 * check-in view in browser mode (`out/main/serve.js`: build first) with its fake camera playing a
 * face video (d9's first 6 s at 640×480, made with ffmpeg; the person enrolled from a frame 18 s
 * in), and the frames the view answers are counted for `--seconds`. Beside it, in turns so that
 * other load falls on both alike, the same clip goes through the live pipeline in this process
 * as fast as it answers (what bench:live measures): the gap between the two is what the page,
 * the camera, the bridge and the service cost.
 *
 * In the page: ms to grab and encode a frame (canvas.toBlob), the bytes sent, and the round trip
 * from the send to the answer (the bridge, the service, the worker).
 *
 * JSON lines: one per round and way, then a summary. The view needs ≥ 5 frames a second for a
 * blink to fall between its frames (the in-browser e2e test skips under that).
 *
 *   npm run bench:view [-- --seconds 20] [-- --rounds 2]
 */
import { execFile, spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { chromium } from '@playwright/test'
import { chromiumArgs } from '../playwright.config'
import { sharedDatasets } from '../test/support/datasets'
import { initBackend } from '../src/main/engine/backend'
import { analyzeFaces } from '../src/main/face/analyze'
import { Gallery } from '../src/main/face/gallery'
import { identifyIn, LivePipeline } from '../src/main/face/live/livePipeline'
import { ModelCache } from '../src/main/models/cache'
import { ffmpegAvailable, videoFrames } from '../src/main/image/videoFrames'
import type { RgbImage } from '../src/main/image/decode'
import { encodeJpeg } from '../src/main/image/encode'
import { mean, median, round } from './stats'

const width = 640
const height = 480
const video = 'd9'
const clipSeconds = 6

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

const loadAverage = (): number => round(os.loadavg()[0]!, 1)

interface PageTimes {
  encodeMs: number[]
  bytes: number[]
  roundTripMs: number[]
}

/** Hooks the page's canvas encoding and its socket to time a frame's way out and back. */
function timePage(): void {
  const times: PageTimes = { encodeMs: [], bytes: [], roundTripMs: [] }
  ;(window as unknown as { likenessTimes: PageTimes }).likenessTimes = times
  const toBlob = HTMLCanvasElement.prototype.toBlob
  HTMLCanvasElement.prototype.toBlob = function (callback, ...rest) {
    const started = performance.now()
    toBlob.call(this, (blob) => {
      times.encodeMs.push(performance.now() - started)
      callback(blob)
    }, ...rest)
  }
  let sentAt = 0
  const send = WebSocket.prototype.send
  WebSocket.prototype.send = function (data) {
    const size = (data as ArrayBuffer).byteLength ?? 0
    // a frame's call is the only large message the view sends
    if (size > 4096) {
      times.bytes.push(size)
      sentAt = performance.now()
    }
    send.call(this, data)
  }
  const onmessage = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage')!
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    get() {
      return onmessage.get!.call(this)
    },
    set(handler: (event: MessageEvent) => void) {
      onmessage.set!.call(this, (event: MessageEvent) => {
        if (sentAt) times.roundTripMs.push(performance.now() - sentAt)
        sentAt = 0
        handler(event)
      })
    }
  })
}

async function serve(dataDir: string, token: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = spawn(process.execPath, ['out/main/serve.js', '--port', '0'], {
    env: { ...process.env, LIKENESS_BACKEND: 'wasm', LIKENESS_DATA_DIR: dataDir, LIKENESS_TOKEN: token },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const url = await new Promise<string>((resolve, reject) => {
    server.stdout.on('data', (chunk: Buffer) => {
      const served = /serving on (http:\/\/[^/]+)/.exec(String(chunk))
      if (served) resolve(served[1]!)
    })
    server.once('exit', (code) => reject(new Error(`serve exited with ${code}`)))
  })
  return { url, stop: () => new Promise((resolve) => (server.once('exit', () => resolve()), server.kill('SIGTERM'))) }
}

async function main(): Promise<void> {
  const datasets = sharedDatasets()
  if (!datasets || !(await ffmpegAvailable())) {
    console.log(JSON.stringify({ bench: 'view', skipped: datasets ? 'ffmpeg is not installed' : 'the shared datasets are absent (set LIKENESS_DATASETS)' }))
    return
  }
  const seconds = Number(argument('seconds') ?? 20)
  const rounds = Number(argument('rounds') ?? 2)
  const file = path.join(datasets, 'video', `${video}.mp4`)
  const dir = await mkdtemp(path.join(os.tmpdir(), 'likeness-bench-view-'))
  const camera = path.join(dir, `${video}.y4m`)
  await promisify(execFile)('ffmpeg', ['-v', 'error', '-t', String(clipSeconds), '-i', file, '-vf', `scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:-1:-1`, '-pix_fmt', 'yuv420p', camera])
  const frames: { image: RgbImage; at: number }[] = []
  for await (const frame of videoFrames(file, { width, height, duration: clipSeconds })) frames.push(frame)
  let enrollment: RgbImage | undefined
  for await (const frame of videoFrames(file, { width, height, start: 18, duration: 0.1 })) enrollment ??= frame.image

  // The view's side: the app served from a data folder of its own, the person enrolled through the CLI.
  const dataDir = path.join(dir, 'data')
  const photo = path.join(dir, 'enroll.jpg')
  await writeFile(photo, await encodeJpeg(enrollment!, 92))
  await promisify(execFile)(process.execPath, ['out/main/cli.js', 'enroll', 'D9', photo], { env: { ...process.env, LIKENESS_BACKEND: 'wasm', LIKENESS_DATA_DIR: dataDir } })
  const token = `bench-${process.pid}`
  const server = await serve(dataDir, token)
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...chromiumArgs, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${camera}`]
  })

  // The pipeline's side, in this process, with the same person enrolled.
  const backend = await initBackend('wasm')
  const cache = new ModelCache({ dataDir: os.tmpdir() })
  const models = await cache.liveModels()
  const gallery = new Gallery()
  const [face] = await analyzeFaces(models.face, enrollment!, { detector: 'ssd' })
  gallery.add({ templateIds: ['enrolled'], personIds: ['D9'], descriptors: face!.descriptor })

  const view: { fps: number; times: PageTimes }[] = []
  const inProcess: number[] = []
  try {
    for (let round_ = 0; round_ < rounds; round_++) {
      const load = loadAverage()
      const page = await browser.newPage()
      await page.addInitScript(timePage)
      await page.goto(`${server.url}/?token=${token}#/checkin`)
      await page.waitForFunction(() => document.querySelector('[data-testid="face-labels"]')?.textContent?.includes('D9'), null, { timeout: 120_000 })
      await page.evaluate(() => Object.assign((window as unknown as { likenessTimes: PageTimes }).likenessTimes, { encodeMs: [], bytes: [], roundTripMs: [] }))
      await page.waitForTimeout(seconds * 1000)
      const times = await page.evaluate(() => (window as unknown as { likenessTimes: PageTimes }).likenessTimes)
      await page.close()
      const fps = times.roundTripMs.length / seconds
      view.push({ fps, times })
      console.log(JSON.stringify({ bench: 'view.round', way: 'check-in view in Chromium', round: round_, fps: round(fps, 2), encodeMs: round(median(times.encodeMs), 1), kB: round(median(times.bytes) / 1024, 1), roundTripMs: round(median(times.roundTripMs), 1), load: [load, loadAverage()] }))

      const before = loadAverage()
      const pipeline = new LivePipeline(models, identifyIn(gallery, 0.36))
      const started = performance.now()
      let answered = 0
      for (let loop = 0; performance.now() - started < seconds * 1000; loop++) {
        for (const frame of frames) {
          if (performance.now() - started >= seconds * 1000) break
          await pipeline.frame(frame.image, loop * clipSeconds * 1000 + frame.at)
          answered++
        }
      }
      const rate = answered / ((performance.now() - started) / 1000)
      inProcess.push(rate)
      console.log(JSON.stringify({ bench: 'view.round', way: 'live pipeline in process', round: round_, fps: round(rate, 2), load: [before, loadAverage()] }))
    }
  } finally {
    await browser.close()
    await server.stop()
    await cache.dispose()
    await rm(dir, { recursive: true, force: true })
  }
  const viewFps = mean(view.map((v) => v.fps))
  console.log(
    JSON.stringify({
      bench: 'view.summary',
      backend: backend.name,
      seconds,
      rounds,
      viewFps: round(viewFps, 2),
      inProcessFps: round(mean(inProcess), 2),
      viewOverInProcess: round(viewFps / mean(inProcess), 2),
      encodeMs: round(median(view.flatMap((v) => v.times.encodeMs)), 1),
      kB: round(median(view.flatMap((v) => v.times.bytes)) / 1024, 1),
      roundTripMs: round(median(view.flatMap((v) => v.times.roundTripMs)), 1),
      blinkable: viewFps >= 5
    })
  )
}

void main()
