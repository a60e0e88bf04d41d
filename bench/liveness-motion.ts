/**
 * Non-planar motion (parallaxEvidence.ts) and the mouth's change (expressionEvidence.ts), over
 * many more prints than bench:liveness holds: can they stand in for a blink? For each
 * presentation, the highest window median of the track's homography residual
 * (ParallaxSummary.peak), the highest change of the mouth (ExpressionSummary.peak) and whether a
 * blink was seen.
 *
 *   live:  the six videos cut into 6-s clips at 15 fps (bench:liveness's clips);
 *   print: stills at several points of each video, each held up by printAttack with several seeds
 *          (other seeds than bench:liveness's), plus two prints of other seeds named in
 *          docs/front-desk.md, d19's stills with seed 18 too; held for the blink window (10 s:
 *          the verdict waits that long for a blink, so a print has that long to reach the
 *          threshold), with the peak after the first 6 s (bench:liveness's length) beside it;
 *          --swing turns and tilts them harder than bench:liveness does (0.2 and 0.45 rad).
 *
 * Nobody is enrolled and the passive networks are not run: only FaceMesh's points, Iris and the
 * tracker matter here. JSON lines, one per presentation, then a summary.
 *
 *   npm run bench:liveness-motion [-- --seeds 101-104] [-- --videos d0,d9] [-- --fractions 0.2,0.5,0.8] [-- --prints-only] [-- --grid-only] [-- --swing 0.35,0.8] [-- --bend 0.8]
 */
import path from 'node:path'
import os from 'node:os'
import { emptyDoorway, faceVideos, sharedDatasets } from '../test/support/datasets'
import { printAttack } from '../test/support/spoofs'
import { initBackend } from '../src/main/engine/backend'
import type { RgbImage } from '../src/main/image/decode'
import { LivePipeline } from '../src/main/face/live/livePipeline'
import type { LiveModels } from '../src/main/face/live/liveModels'
import { defaultSession } from '../src/main/face/live/liveSession'
import { defaultLiveness } from '../src/main/face/live/livenessVerdict'
import { ModelCache } from '../src/main/models/cache'
import { ffmpegAvailable, probeVideo } from '../src/main/image/videoFrames'
import { round } from './stats'
import { cameraFrameMs as frameMs, clipFrames } from './cameraClips'

const width = 640
const height = 480
const clipMs = 6000

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

function seedList(spec: string): number[] {
  return spec.split(',').flatMap((part) => {
    const [from, to] = part.split('-').map(Number)
    return Array.from({ length: (to ?? from) - from + 1 }, (_, i) => from + i)
  })
}

/** The highest parallax peak of any track (and its value after 6 s), and whether any track blinked, after half a second of an empty doorway. */
async function present(models: LiveModels, desk: RgbImage, frames: Iterable<{ image: RgbImage; at: number }>): Promise<{ peak: number | null; peak6s: number | null; expression: number | null; blink: boolean; frames: number }> {
  const pipeline = new LivePipeline(models, (descriptors) => descriptors.map(() => ({ personId: null, distance: null })), { ...defaultSession, passiveEveryMs: Infinity })
  let at = 0
  for (; at < 500; at += frameMs) await pipeline.frame(desk, at)
  let peak: number | null = null
  let peak6s: number | null = null
  let expression: number | null = null
  let blink = false
  let count = 0
  for (const frame of frames) {
    const { tracks } = await pipeline.frame(frame.image, at + frame.at)
    count++
    for (const t of tracks) {
      if (t.liveness.parallax.peak !== null) peak = Math.max(peak ?? 0, t.liveness.parallax.peak)
      if (t.liveness.expression.peak !== null) expression = Math.max(expression ?? 0, t.liveness.expression.peak)
      blink ||= t.liveness.blinkSeenAt !== null
    }
    if (frame.at < clipMs) peak6s = peak
  }
  const rounded = (value: number | null): number | null => (value === null ? null : round(value, 4))
  return { peak: rounded(peak), peak6s: rounded(peak6s), expression: rounded(expression), blink, frames: count }
}

function* printFrames(print: (at: number) => { image: RgbImage }): Generator<{ image: RgbImage; at: number }> {
  for (let i = 0; i < Math.round(defaultLiveness.blinkWindowMs / frameMs); i++) yield { image: print(i * frameMs).image, at: i * frameMs }
}

async function main(): Promise<void> {
  const datasets = sharedDatasets()
  if (!datasets || !(await ffmpegAvailable())) {
    console.log(JSON.stringify({ bench: 'liveness-motion', skipped: datasets ? 'ffmpeg is not installed' : 'the shared datasets are absent (set LIKENESS_DATASETS)' }))
    return
  }
  const videos = argument('videos')?.split(',') ?? [...faceVideos]
  const seeds = seedList(argument('seeds') ?? '101-102')
  const fractions = (argument('fractions') ?? '0.2,0.5,0.8').split(',').map(Number)
  const skipLive = process.argv.includes('--prints-only')
  // --swing 0.35,0.8: prints turned and tilted harder than bench:liveness's (turn, tilt amplitudes in radians)
  const [turn, tilt] = (argument('swing') ?? '0.2,0.45').split(',').map(Number)
  // --bend 0.8: the prints flexed too, their edges curling up to 0.8 rad away and back (spoofs.ts)
  const swing = { turn, tilt, bend: Number(argument('bend') ?? 0) }
  await initBackend('wasm')
  const cache = new ModelCache({ dataDir: os.tmpdir() })
  const models = await cache.liveModels()
  const desk = await emptyDoorway()
  const file = (video: string): string => path.join(datasets, 'video', `${video}.mp4`)
  const results: { kind: string; peak: number | null; peak6s: number | null; expression: number | null; blink: boolean }[] = []
  const report = (r: Record<string, unknown> & { kind: string; peak: number | null; peak6s: number | null; expression: number | null; blink: boolean }): void => {
    results.push(r)
    console.log(JSON.stringify({ bench: 'liveness-motion.presentation', ...r }))
  }

  if (!skipLive) {
    for (const video of videos) {
      const { seconds } = await probeVideo(file(video))
      const clips = Math.max(1, Math.floor((1000 * seconds) / clipMs))
      for (let clip = 0; clip < clips; clip++) {
        const from = clip * clipMs
        const frames = await clipFrames(file(video), { width, height }, from, Math.min(1000 * seconds, from + clipMs))
        report({ kind: 'live', video, clip, ...(await present(models, desk, frames)) })
      }
    }
  }
  // the prints of other seeds that reached 0.072, 0.056 and 0.044 before, then the grid
  const prints: { video: string; atMs: number; seed: number }[] = []
  if (!process.argv.includes('--grid-only')) for (const [video, atMs, seed] of [['d6', 24_000, 10], ['d6', 18_000, 8]] as const) if (videos.includes(video)) prints.push({ video, atMs, seed })
  for (const video of videos) {
    const { seconds } = await probeVideo(file(video))
    for (const fraction of fractions) for (const seed of seeds) prints.push({ video, atMs: Math.round(fraction * 1000 * seconds), seed })
    if (video === 'd19') for (const fraction of fractions) prints.push({ video, atMs: Math.round(fraction * 1000 * seconds), seed: 18 })
  }
  for (const { video, atMs, seed } of prints) {
    const { width: w, height: h } = await probeVideo(file(video))
    const [still] = await clipFrames(file(video), { width: w, height: h }, atMs, atMs + 200)
    report({ kind: 'print', video, atMs, seed, swing, ...(await present(models, desk, printFrames(printAttack(still.image, desk, seed, swing)))) })
  }

  const peaks = (kind: string, blinked?: boolean, key: 'peak' | 'peak6s' | 'expression' = 'peak'): number[] =>
    results.filter((r) => r.kind === kind && (blinked === undefined || r.blink === blinked) && r[key] !== null).map((r) => r[key]!).sort((a, b) => a - b)
  const spread = (values: number[]) => (values.length ? { n: values.length, min: values[0], median: values[values.length >> 1], max: values.at(-1) } : null)
  console.log(
    JSON.stringify({
      bench: 'liveness-motion.summary',
      live: spread(peaks('live')),
      liveUnblinking: spread(peaks('live', false)),
      liveBlinked: results.filter((r) => r.kind === 'live' && r.blink).length,
      print: spread(peaks('print')),
      printAt6s: spread(peaks('print', undefined, 'peak6s')),
      expression: { live: spread(peaks('live', undefined, 'expression')), liveUnblinking: spread(peaks('live', false, 'expression')), print: spread(peaks('print', undefined, 'expression')) },
      printsBlinked: results.filter((r) => r.kind === 'print' && r.blink).length,
      noTrack: results.filter((r) => r.peak === null).length,
      load: os.loadavg().map((l) => round(l, 2))
    })
  )
}

await main()
