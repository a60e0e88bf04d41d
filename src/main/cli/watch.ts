import type { CheckIn, LiveTrack } from '../../shared/api/checkin'
import { deskVideoFrames } from '../image/videoFrames'
import { LikenessError } from '../../shared/errors'
import type { CliCommand } from './command'

/** A track as `watch` reports it once it has ended (left the picture, or the video ended). */
interface WatchedTrack {
  firstFrame: number
  lastFrame: number
  personId: string | null
  name: string | null
  distance: number | null
  live: boolean
  liveness: LiveTrack['evidence'] & { verdict: LiveTrack['liveness'] }
  checkedIn: boolean
}

function watched(track: LiveTrack, firstFrame: number, lastFrame: number): WatchedTrack {
  const { personId, name, distance, liveness, evidence, checkedIn } = track
  return { firstFrame, lastFrame, personId, name, distance, live: liveness === 'live', liveness: { verdict: liveness, ...evidence }, checkedIn }
}

const describe = (t: WatchedTrack): string =>
  `frames ${t.firstFrame}–${t.lastFrame}: ${t.name ?? 'unknown'}${t.distance === null ? '' : ` (d = ${t.distance.toFixed(3)})`}, ${t.liveness.verdict}${t.checkedIn ? ', checked in' : ''}`

export const watchCommand: CliCommand = {
  usage: 'watch <video> [--dry-run] [--json]',
  summary: 'the front desk over a video file (.y4m natively, others through ffmpeg): who was tracked and checked in',
  booleanFlags: ['dry-run'],
  async run(service, args) {
    const file = args.positional[0]
    if (!file) throw new LikenessError('BadRequest', `usage: npm run cli -- ${this.usage}`)
    const dryRun = args.flags.has('dry-run')
    // One session per run, its clock the video's own, from now: check-ins are logged at when they happened.
    const session = `watch-${Date.now()}`
    const start = Date.now()
    const open = new Map<number, { first: number; last: LiveTrack; lastFrame: number }>()
    const tracks: WatchedTrack[] = []
    const checkIns: CheckIn[] = []
    const finish = (entry: { first: number; last: LiveTrack; lastFrame: number }): void => {
      const track = watched(entry.last, entry.first, entry.lastFrame)
      tracks.push(track)
      console.log(args.json ? JSON.stringify(track) : describe(track))
    }
    let frames = 0
    let videoMs = 0
    const began = performance.now()
    for await (const { image, at, index } of deskVideoFrames(file)) {
      const result = await service.call('checkin.frame', { session, at: start + at, frame: { width: image.width, height: image.height, rgb: image.data }, dryRun })
      for (const track of result.tracks) open.set(track.id, { first: open.get(track.id)?.first ?? index, last: track, lastFrame: index })
      for (const [id, entry] of open) {
        if (result.tracks.some((t) => t.id === id)) continue
        finish(entry)
        open.delete(id)
      }
      checkIns.push(...result.checkedIn)
      frames++
      videoMs = at
    }
    for (const entry of open.values()) finish(entry)
    const seconds = (performance.now() - began) / 1000
    const summary = { frames, seconds: +seconds.toFixed(2), videoSeconds: +(videoMs / 1000).toFixed(2), fps: +(frames / seconds).toFixed(1), dryRun, tracks, checkIns }
    const text = [
      `${frames} frames in ${summary.seconds} s (${summary.fps} fps), ${tracks.length} track(s)${dryRun ? ', dry run: nothing logged' : ''}`,
      ...checkIns.map((c) => `checked in: ${c.personName} at ${new Date(c.at).toISOString()} (d = ${c.distance.toFixed(3)})`)
    ].join('\n')
    return { value: summary, text }
  }
}
