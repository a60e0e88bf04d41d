/**
 * Liveness, measured: the face videos of ../shared/datasets/video are live; the spoofs are made
 * from them (test/support/spoofs.ts): stills held up like prints, and the videos re-shown on a
 * simulated screen. Every presentation is a fresh session of the live pipeline (the same code
 * the check-in view runs) over a clip, after half a second of an empty doorway; it is accepted
 * in a liveness mode when some track is named and judged live in that mode. Everyone is enrolled
 * from a frame at 75% of their video, so the spoofs show an enrolled person.
 *
 *   APCER = spoof presentations accepted / spoof presentations   (ISO/IEC 30107-3)
 *   BPCER = live presentations refused / live presentations
 *
 * JSON lines: one per presentation, a sweep of the passive thresholds, and a summary per mode.
 * Goal (issue 11): APCER 0, BPCER ≤ 5%.
 *
 *   npm run bench:liveness [-- --clip-seconds 6] [-- --videos d0,d9] [-- --jpeg 90]
 *
 * `--jpeg 90` puts every frame through JPEG at that quality first, as the camera views send them.
 */
import os from 'node:os'
import path from 'node:path'
import { emptyDoorway, faceVideos, sharedDatasets } from '../test/support/datasets'
import { printAttack, screenReplay } from '../test/support/spoofs'
import { initBackend } from '../src/main/engine/backend'
import sharp from 'sharp'
import { decodeImage, type RgbImage } from '../src/main/image/decode'
import { analyzeFaces } from '../src/main/face/analyze'
import { Gallery } from '../src/main/face/gallery'
import { identifyIn, LivePipeline } from '../src/main/face/live/livePipeline'
import type { LiveModels } from '../src/main/face/live/liveModels'
import { ModelCache } from '../src/main/models/cache'
import { defaultLiveness, livenessVerdict } from '../src/main/face/live/livenessVerdict'
import type { ExpressionSummary } from '../src/main/face/live/expressionEvidence'
import type { ParallaxSummary } from '../src/main/face/live/parallaxEvidence'
import type { RecaptureSummary } from '../src/main/face/live/recaptureEvidence'
import type { LivenessMode } from '../src/shared/api/checkin'
import { defaultSession } from '../src/main/face/live/liveSession'
import type { PassiveSummary } from '../src/main/face/live/passiveEvidence'
import { ffmpegAvailable, probeVideo } from '../src/main/image/videoFrames'
import { round } from './stats'
import { cameraFrameMs as frameMs, clipFrames } from './cameraClips'

const width = 640
const height = 480
const tau = 0.36
const modes: LivenessMode[] = ['off', 'passive', 'blink']

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

type Kind = 'live' | 'print' | 'replay'

/** What one frame of a presentation showed of its best track: enough to decide any mode and threshold afterwards. */
interface FrameEvidence {
  named: boolean
  blinkSeen: boolean
  passive: PassiveSummary
  recapture: RecaptureSummary
  parallax: ParallaxSummary
  expression: ExpressionSummary
  ageMs: number
}

interface Presentation {
  kind: Kind
  video: string
  clip: number
  frames: FrameEvidence[]
}

const jpegQuality = argument('jpeg') === undefined ? null : Number(argument('jpeg'))

/** A frame as the pipeline receives it: as decoded, or through the JPEG a camera view sends. */
async function asSent(image: RgbImage): Promise<RgbImage> {
  if (jpegQuality === null) return image
  const { width, height, data } = image
  return (await decodeImage(await sharp(data, { raw: { width, height, channels: 3 } }).jpeg({ quality: jpegQuality }).toBuffer())).image
}

async function present(models: LiveModels, gallery: Gallery, desk: RgbImage, frames: readonly { image: RgbImage; at: number }[]): Promise<FrameEvidence[]> {
  const pipeline = new LivePipeline(models, identifyIn(gallery, tau))
  let at = 0
  for (; at < 500; at += frameMs) await pipeline.frame(await asSent(desk), at)
  const evidence: FrameEvidence[] = []
  for (const frame of frames) {
    const result = await pipeline.frame(await asSent(frame.image), at + frame.at)
    // the track that has gone furthest: named, then most passive samples
    const best = [...result.tracks].sort((p, q) => Number(q.identity.personId !== null) - Number(p.identity.personId !== null) || q.liveness.passive.samples - p.liveness.passive.samples)[0]
    if (best) {
      evidence.push({
        named: best.identity.decided && best.identity.personId !== null,
        blinkSeen: best.liveness.blinkSeenAt !== null,
        passive: best.liveness.passive,
        recapture: best.liveness.recapture,
        parallax: best.liveness.parallax,
        expression: best.liveness.expression,
        ageMs: result.at - best.firstSeenAt
      })
    }
  }
  return evidence
}

/** The thresholds a presentation is judged at: the passive networks', the moiré's, and non-planar motion's and the mouth's change in place of a blink. */
interface Thresholds {
  minAntispoof: number
  minLiveness: number
  minScreen: number
  minParallax: number | null
  minExpression: number | null
}

const defaults: Thresholds = {
  minAntispoof: defaultSession.passive.minAntispoof,
  minLiveness: defaultSession.passive.minLiveness,
  minScreen: defaultSession.recapture.minScreen,
  minParallax: defaultLiveness.minParallax,
  minExpression: defaultLiveness.minExpression
}

/** Accepted in `mode` with the passive and recapture verdicts recomputed at the given thresholds. */
function accepted(p: Presentation, mode: LivenessMode, at: Thresholds): boolean {
  return p.frames.some((f) => {
    if (!f.named) return false
    const { antispoof, liveness, samples } = f.passive
    const verdict: PassiveSummary['verdict'] =
      samples < defaultSession.passive.minSamples ? 'pending' : antispoof! >= at.minAntispoof && liveness! >= at.minLiveness ? 'live' : 'spoof'
    const screen: RecaptureSummary['verdict'] = f.recapture.samples < defaultSession.recapture.minSamples ? 'pending' : f.recapture.moire! >= at.minScreen ? 'screen' : 'clear'
    const evidence = { blinkSeenAt: f.blinkSeen ? 0 : null, blinks: f.blinkSeen ? 1 : 0, openness: null, passive: { ...f.passive, verdict }, recapture: { ...f.recapture, verdict: screen }, parallax: f.parallax, expression: f.expression }
    return livenessVerdict(evidence, mode, f.ageMs, { ...defaultLiveness, minParallax: at.minParallax, minExpression: at.minExpression }) === 'live'
  })
}

function rates(presentations: readonly Presentation[], mode: LivenessMode, at: Thresholds): { apcer: number; bpcer: number; apcerPrint: number; apcerReplay: number } {
  const rate = (kind: Kind | 'spoof', want: boolean): number => {
    const group = presentations.filter((p) => (kind === 'spoof' ? p.kind !== 'live' : p.kind === kind))
    return group.filter((p) => accepted(p, mode, at) === want).length / Math.max(1, group.length)
  }
  return { apcer: rate('spoof', true), bpcer: rate('live', false), apcerPrint: rate('print', true), apcerReplay: rate('replay', true) }
}

const medianOf = (values: number[]): number | null => (values.length ? [...values].sort((a, b) => a - b)[values.length >> 1] : null)

async function main(): Promise<void> {
  const datasets = sharedDatasets()
  if (!datasets || !(await ffmpegAvailable())) {
    console.log(JSON.stringify({ bench: 'liveness', skipped: datasets ? 'ffmpeg is not installed' : 'the shared datasets are absent (set LIKENESS_DATASETS)' }))
    return
  }
  const clipMs = 1000 * Number(argument('clip-seconds') ?? 6)
  const videos = argument('videos')?.split(',') ?? [...faceVideos]
  const backend = await initBackend('wasm')
  const cache = new ModelCache({ dataDir: os.tmpdir() })
  const models = await cache.liveModels()
  const desk = await emptyDoorway()

  const gallery = new Gallery()
  const files = Object.fromEntries(videos.map((v) => [v, path.join(datasets, 'video', `${v}.mp4`)]))
  for (const video of videos) {
    const { seconds } = await probeVideo(files[video])
    const [frame] = await clipFrames(files[video], { width, height }, 750 * seconds, 750 * seconds + 200)
    const [face] = await analyzeFaces(models.face, frame.image, { detector: 'ssd' })
    gallery.add({ templateIds: [`${video}-enrolled`], personIds: [video], descriptors: face.descriptor })
  }

  const presentations: Presentation[] = []
  const report = (p: Presentation): void => {
    presentations.push(p)
    const last = p.frames.at(-1)
    const peaks = p.frames.flatMap((f) => (f.parallax.peak === null ? [] : [f.parallax.peak]))
    console.log(
      JSON.stringify({
        bench: 'liveness.presentation',
        kind: p.kind,
        video: p.video,
        clip: p.clip,
        frames: p.frames.length,
        named: p.frames.some((f) => f.named),
        blink: p.frames.some((f) => f.blinkSeen),
        antispoof: last?.passive.antispoof == null ? null : round(last.passive.antispoof, 3),
        liveness: last?.passive.liveness == null ? null : round(last.passive.liveness, 3),
        minAntispoof: round(Math.min(...p.frames.filter((f) => f.passive.samples >= 3).map((f) => f.passive.antispoof!)), 3),
        moire: last?.recapture.moire == null ? null : round(last.recapture.moire, 1),
        maxMoire: round(Math.max(...p.frames.filter((f) => f.recapture.samples >= defaultSession.recapture.minSamples).map((f) => f.recapture.moire!)), 1),
        parallaxPeak: peaks.length ? round(Math.max(...peaks), 4) : null,
        expressionPeak: last?.expression.peak == null ? null : round(last.expression.peak, 4),
        accepted: Object.fromEntries(modes.map((m) => [m, accepted(p, m, defaults)]))
      })
    )
  }
  let seed = 1
  for (const video of videos) {
    const file = files[video]
    const { seconds, width: nativeWidth, height: nativeHeight } = await probeVideo(file)
    const native = { width: nativeWidth, height: nativeHeight }
    const clips = Math.max(1, Math.floor((1000 * seconds) / clipMs))
    for (let clip = 0; clip < clips; clip++) {
      const from = clip * clipMs
      const to = Math.min(1000 * seconds, from + clipMs)
      report({ kind: 'live', video, clip, frames: await present(models, gallery, desk, await clipFrames(file, { width, height }, from, to)) })
      const replay = screenReplay(desk, seed++)
      const shown = (await clipFrames(file, native, from, to)).map(({ image, at }) => ({ image: replay(image, at).image, at }))
      report({ kind: 'replay', video, clip, frames: await present(models, gallery, desk, shown) })
    }
    for (const [clip, fraction] of [0.2, 0.5, 0.8].entries()) {
      const [still] = await clipFrames(file, native, fraction * 1000 * seconds, fraction * 1000 * seconds + 200)
      const print = printAttack(still.image, desk, seed++)
      const frames = Array.from({ length: Math.round(clipMs / frameMs) }, (_, i) => ({ image: print(i * frameMs).image, at: i * frameMs }))
      report({ kind: 'print', video, clip, frames: await present(models, gallery, desk, frames) })
    }
  }

  // The passive thresholds: where they would put each kind of presentation.
  for (const minAntispoof of [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]) {
    for (const minLiveness of [0, 0.3, 0.5, 0.7]) {
      console.log(JSON.stringify({ bench: 'liveness.sweep', minAntispoof, minLiveness, ...Object.fromEntries(modes.filter((m) => m !== 'off').map((m) => [m, rates(presentations, m, { ...defaults, minAntispoof, minLiveness })])) }))
    }
  }
  // The moiré's threshold, and non-planar motion standing in for a blink, in blink mode.
  for (const minScreen of [6, 8, 10, 15, 20]) console.log(JSON.stringify({ bench: 'liveness.sweep', minScreen, blink: rates(presentations, 'blink', { ...defaults, minScreen }) }))
  for (const minParallax of [0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.12, 0.15]) console.log(JSON.stringify({ bench: 'liveness.sweep', minParallax, blink: rates(presentations, 'blink', { ...defaults, minExpression: null, minParallax }) }))
  // The mouth's change standing in for a blink; null is blink mode as it was before the cue.
  for (const minExpression of [null, 0.04, 0.06, 0.08, 0.1, 0.12, 0.15]) console.log(JSON.stringify({ bench: 'liveness.sweep', minExpression, blink: rates(presentations, 'blink', { ...defaults, minExpression }) }))
  const spread = (values: number[]): { min: number; median: number; max: number } | null =>
    values.length ? { min: round(Math.min(...values), 4), median: round(medianOf(values)!, 4), max: round(Math.max(...values), 4) } : null
  const perKind = (measure: (p: Presentation) => number | null) =>
    Object.fromEntries((['live', 'print', 'replay'] as Kind[]).map((kind) => [kind, spread(presentations.filter((p) => p.kind === kind).flatMap((p) => { const m = measure(p); return m === null ? [] : [m] }))]))
  const count = (kind: Kind): number => presentations.filter((p) => p.kind === kind).length
  const passiveOf = (kind: Kind, key: 'antispoof' | 'liveness'): number | null =>
    medianOf(presentations.filter((p) => p.kind === kind).flatMap((p) => (p.frames.at(-1)?.passive[key] == null ? [] : [p.frames.at(-1)!.passive[key]!])))
  console.log(
    JSON.stringify({
      bench: 'liveness.summary',
      backend: backend.name,
      clipSeconds: clipMs / 1000,
      jpegQuality,
      presentations: { live: count('live'), print: count('print'), replay: count('replay') },
      spoofsNamed: presentations.filter((p) => p.kind !== 'live' && p.frames.some((f) => f.named)).length,
      liveBlinked: presentations.filter((p) => p.kind === 'live' && p.frames.some((f) => f.blinkSeen)).length,
      spoofsBlinked: { print: presentations.filter((p) => p.kind === 'print' && p.frames.some((f) => f.blinkSeen)).length, replay: presentations.filter((p) => p.kind === 'replay' && p.frames.some((f) => f.blinkSeen)).length },
      medianAntispoof: { live: passiveOf('live', 'antispoof'), print: passiveOf('print', 'antispoof'), replay: passiveOf('replay', 'antispoof') },
      medianLiveness: { live: passiveOf('live', 'liveness'), print: passiveOf('print', 'liveness'), replay: passiveOf('replay', 'liveness') },
      moire: perKind((p) => p.frames.at(-1)?.recapture.moire ?? null),
      parallaxPeak: perKind((p) => p.frames.at(-1)?.parallax.peak ?? null),
      expressionPeak: perKind((p) => p.frames.at(-1)?.expression.peak ?? null),
      expressionPeakUnblinking: perKind((p) => (p.frames.some((f) => f.blinkSeen) ? null : (p.frames.at(-1)?.expression.peak ?? null))),
      thresholds: defaults,
      ...Object.fromEntries(modes.map((m) => [m, rates(presentations, m, defaults)])),
      blinkAlone: rates(presentations, 'blink', { ...defaults, minExpression: null }),
      goals: { apcer: 0, bpcer: 0.05 }
    })
  )
}

await main()
