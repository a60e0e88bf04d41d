/**
 * The front desk at video rate: the six face videos of ../shared/datasets/video at 640×480, one
 * after another, each preceded by half a second of an empty doorway (content/amber.jpg), through
 * the live pipeline (LivePipeline, in this process) — and, on every `referenceEvery`-th frame of
 * the same stream, face-api's full pipeline as the app ran it per frame until now (SSD at 0.5 +
 * 68 landmarks + descriptor), alternating on the same frames so that load from other processes
 * falls on both alike; `trackedOverFaceapi` is the mean tracked frame over the mean face-api
 * frame of the same run.
 *
 * Each person is enrolled from one frame at 75% of their own video (SSD, the enrollment path);
 * the stream starts at the video's first frame, so the name must come from other frames.
 *
 * JSON lines: one per video, then a summary. Goals (issue 11): ≥ 15 fps sustained, a tracked
 * frame ≤ 0.1 × face-api's frame, the name ≤ 0.5 s after the face appears.
 *
 *   npm run bench:live [-- --videos d0,d9] [-- --reference-every 10]
 */
import * as tf from '@tensorflow/tfjs'
import os from 'node:os'
import path from 'node:path'
import { emptyDoorway, faceVideos, sharedDatasets } from '../test/support/datasets'
import { initBackend } from '../src/main/engine/backend'
import type { RgbImage } from '../src/main/image/decode'
import { analyzeFaces } from '../src/main/face/analyze'
import { asLibraryTensor, faceapi } from '../src/main/face/faceapi'
import { Gallery } from '../src/main/face/gallery'
import { boxCentre } from '../src/main/face/boxes'
import { identifyIn, LivePipeline } from '../src/main/face/live/livePipeline'
import { ModelCache } from '../src/main/models/cache'
import { modelFiles } from '../src/main/models/registry'
import { ffmpegAvailable, probeVideo, videoFrames } from '../src/main/image/videoFrames'
import { mean, median, round, summary } from './stats'

const width = 640
const height = 480
const tau = 0.36
const emptyMs = 500

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

async function firstFrame(file: string, second: number): Promise<RgbImage> {
  for await (const frame of videoFrames(file, { width, height, start: second, duration: 1 })) return frame.image
  throw new Error(`no frame at ${second}s in ${file}`)
}

async function main(): Promise<void> {
  const datasets = sharedDatasets()
  if (!datasets || !(await ffmpegAvailable())) {
    console.log(JSON.stringify({ bench: 'live', skipped: datasets ? 'ffmpeg is not installed' : 'the shared datasets are absent (set LIKENESS_DATASETS)' }))
    return
  }
  const videos = (argument('videos')?.split(',') ?? [...faceVideos]).map((name) => ({ name, file: path.join(datasets, 'video', `${name}.mp4`) }))
  const referenceEvery = Number(argument('reference-every') ?? 10)
  const backend = await initBackend('wasm')
  const cache = new ModelCache({ dataDir: os.tmpdir() })
  const models = await cache.liveModels()
  for (const net of [faceapi.nets.ssdMobilenetv1, faceapi.nets.faceLandmark68Net, faceapi.nets.faceRecognitionNet]) await net.loadFromDisk(path.dirname(modelFiles('ssd', cache.locations)[0]!))
  const referenceOptions = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 })
  const reference = async (image: RgbImage): Promise<{ ms: number; faces: number }> => {
    const start = performance.now()
    const pixels = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32')
    const found = await faceapi.detectAllFaces(asLibraryTensor(pixels), referenceOptions).withFaceLandmarks().withFaceDescriptors()
    pixels.dispose()
    return { ms: performance.now() - start, faces: found.length }
  }

  const gallery = new Gallery()
  for (const video of videos) {
    const { seconds } = await probeVideo(video.file)
    const [face] = await analyzeFaces(models.face, await firstFrame(video.file, 0.75 * seconds), { detector: 'ssd' })
    gallery.add({ templateIds: [`${video.name}-enrolled`], personIds: [video.name], descriptors: face.descriptor })
  }
  const desk = await emptyDoorway()
  const pipeline = new LivePipeline(models, identifyIn(gallery, tau))
  // warm-up outside the measurement: kernels compile and the wasm heap grows on first use
  for (let i = 0; i < 3; i++) await reference(desk)
  const warm = new LivePipeline(models, identifyIn(gallery, tau))
  for await (const frame of videoFrames(videos[0].file, { width, height, duration: 0.5 })) await warm.frame(frame.image, frame.at)

  let clock = 0
  const all = { tracked: [] as number[], detection: [] as number[], reference: [] as number[], frames: 0, ms: 0 }
  const perVideo: Record<string, unknown>[] = []
  for (const video of videos) {
    const { fps } = await probeVideo(video.file)
    const tracked: number[] = []
    const detection: number[] = []
    const referenceMs: number[] = []
    let wall = 0
    let frames = 0
    let falseFaces = 0
    for (let at = 0; at < emptyMs; at += 1000 / fps) {
      const result = await pipeline.frame(desk, clock + at)
      falseFaces += result.tracks.length
    }
    clock += emptyMs
    let lastAt = 0
    let appearedWall: number | null = null
    let named: { wallMs: number; videoMs: number; frames: number; personId: string | null } | null = null
    let wrongFrames = 0
    let namedFrames = 0
    const trackIds = new Set<number>()
    const jitter = { raw: [] as number[], smoothed: [] as number[], lag: [] as number[] }
    let previous: { raw: { x: number; y: number }; smoothed: { x: number; y: number } } | null = null
    for await (const frame of videoFrames(video.file, { width, height })) {
      const start = performance.now()
      const result = await pipeline.frame(frame.image, clock + frame.at)
      const ms = performance.now() - start
      wall += ms
      frames++
      ;(result.observation.detected ? detection : tracked).push(ms)
      appearedWall ??= wall - ms
      const track = result.tracks[0]
      if (track) {
        trackIds.add(track.id)
        if (track.identity.personId !== null) {
          namedFrames++
          if (track.identity.personId !== video.name) wrongFrames++
          named ??= { wallMs: wall - appearedWall, videoMs: frame.at, frames: frame.index + 1, personId: track.identity.personId }
        }
        const raw = boxCentre(track.faceBox)
        const smoothed = boxCentre(track.box)
        if (previous) {
          jitter.raw.push(Math.hypot(raw.x - previous.raw.x, raw.y - previous.raw.y))
          jitter.smoothed.push(Math.hypot(smoothed.x - previous.smoothed.x, smoothed.y - previous.smoothed.y))
        }
        jitter.lag.push(Math.hypot(raw.x - smoothed.x, raw.y - smoothed.y))
        previous = { raw, smoothed }
      }
      if (frame.index % referenceEvery === 0) {
        const { ms: refMs } = await reference(frame.image)
        referenceMs.push(refMs)
      }
      lastAt = frame.at
    }
    clock += lastAt + 1000 / fps
    const line = {
      bench: 'live.video',
      video: video.name,
      frames,
      fps: round((1000 * frames) / wall),
      trackedMs: summary(tracked),
      detectionMs: summary(detection),
      faceapiMs: summary(referenceMs),
      trackedOverFaceapi: round(mean(tracked) / mean(referenceMs), 3),
      nameAfterMs: named ? round(named.wallMs) : null,
      nameAfterFrames: named?.frames ?? null,
      nameAfterVideoMs: named ? round(named.videoMs) : null,
      named: named?.personId ?? null,
      correct: named?.personId === video.name,
      wrongNameFrames: wrongFrames,
      namedFrames,
      tracks: trackIds.size,
      falseFacesOnEmptyDesk: falseFaces,
      overlay: { rawStepPx: round(mean(jitter.raw), 2), smoothedStepPx: round(mean(jitter.smoothed), 2), lagPx: round(mean(jitter.lag), 2) }
    }
    perVideo.push(line)
    console.log(JSON.stringify(line))
    all.tracked.push(...tracked)
    all.detection.push(...detection)
    all.reference.push(...referenceMs)
    all.frames += frames
    all.ms += wall
  }
  const names = perVideo.map((v) => v.nameAfterMs as number | null)
  console.log(
    JSON.stringify({
      bench: 'live.summary',
      backend: backend.name,
      simd: backend.simd,
      threads: backend.threads,
      frames: all.frames,
      fps: round((1000 * all.frames) / all.ms),
      trackedMs: summary(all.tracked),
      detectionMs: summary(all.detection),
      faceapiMs: summary(all.reference),
      faceapiFps: round(1000 / mean(all.reference)),
      trackedOverFaceapi: round(mean(all.tracked) / mean(all.reference), 3),
      nameAfterMsMedian: round(median(names.filter((n): n is number => n !== null))),
      nameAfterMsMax: names.every((n) => n !== null) ? Math.max(...(names as number[])) : null,
      allNamedCorrectly: perVideo.every((v) => v.correct),
      wrongNameFrames: perVideo.reduce((s, v) => s + (v.wrongNameFrames as number), 0),
      goals: { fps: 15, trackedOverFaceapi: 0.1, nameAfterMs: 500 }
    })
  )
}

await main()
