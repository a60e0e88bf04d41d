import { randomUUID } from 'node:crypto'
import type { CameraFrame, CheckIn, FrameResult, LivenessMode } from '../../shared/api/checkin'
import type { Store } from '../store'
import type { Faces } from './faces'
import type { ServiceContext } from './context'
import type { Handlers } from './handlers'
import { DeskSession, sessionRule, trackEvidence } from './deskSession'
import type { LiveTrack, SessionRule } from '../face/live/liveSession'
import type { RgbImage } from '../image/decode'
import { frameImage } from './cameraFrame'
import { faceThumbnail } from '../image/thumbnail'
import { csvField } from '../../shared/csv'

/** Sessions kept at once: camera views open in windows; the oldest is dropped beyond this. */
const maxSessions = 8
const minute = 60_000

/**
 * The front desk's use case: frames in, check-ins out. Each session (a camera view, a watched
 * video) has its own tracks: a track is named by a vote over its encodings, judged live under the
 * liveness setting, and checks its person in once. The interval is per person across sessions
 * and, with a shared gallery, across desks: the log decides it as it writes, so a restart does
 * not check everyone in again.
 */
class CheckIns {
  private readonly sessions = new Map<string, DeskSession>()
  /** Check-ins decided but possibly not yet written: two sessions seeing one person must not both log one. */
  private readonly pending = new Map<string, number>()

  constructor(
    private readonly faces: Faces,
    private readonly store: Store
  ) {}

  async frame(sessionId: string, at: number, frame: CameraFrame, dryRun = false): Promise<FrameResult> {
    const settings = this.store.settings.get()
    const rule = sessionRule(settings)
    const image = await frameImage(frame)
    const session = this.session(sessionId, rule)
    const result = await session.frame(at, rule, (plan) => this.faces.observeFrame(image, plan))
    const checkedIn: CheckIn[] = []
    for (const track of session.due(result)) {
      const personId = track.identity.personId!
      const personName = this.faces.personName(personId)
      if (personName === null || this.inFlight(personId, at, settings.checkInIntervalMinutes * minute)) continue
      const logged = await this.checkIn(track, personId, personName, image, at, rule.mode, settings.checkInIntervalMinutes * minute, dryRun)
      session.settle(track.id, logged !== null)
      if (logged) checkedIn.push(logged)
    }
    return {
      width: image.width,
      height: image.height,
      threshold: settings.tau,
      tracks: result.tracks.map((track) => session.view(track, rule.mode, (id) => this.faces.personName(id))),
      checkedIn
    }
  }

  private async checkIn(track: LiveTrack, personId: string, personName: string, image: RgbImage, at: number, mode: LivenessMode, interval: number, dryRun: boolean): Promise<CheckIn | null> {
    const liveness = { mode, ...trackEvidence(track) }
    const checkIn = { id: randomUUID(), personId, personName, at: Math.round(at), distance: track.identity.distance ?? 0, liveness }
    if (dryRun) return { ...checkIn, hasThumbnail: false }
    this.pending.set(personId, at)
    try {
      return await this.store.checkIns.add({ ...checkIn, thumbnail: await faceThumbnail(image, track.faceBox) }, { interval })
    } finally {
      this.pending.delete(personId)
    }
  }

  log(from = 0, to = Number.MAX_SAFE_INTEGER): Promise<CheckIn[]> {
    return this.store.checkIns.inSpan(from, to)
  }

  async csv(from?: number, to?: number): Promise<string> {
    const rows = (await this.log(from, to)).map((c) => [new Date(c.at).toISOString(), csvField(c.personName), c.distance.toFixed(4)].join(','))
    return ['time,person,distance', ...rows].join('\r\n') + '\r\n'
  }

  thumbnail(checkInId: string): Promise<Uint8Array> {
    return this.store.checkIns.thumbnail(checkInId)
  }

  private session(id: string, rule: SessionRule): DeskSession {
    let session = this.sessions.get(id)
    if (!session) {
      session = new DeskSession((descriptors) => this.faces.identifyDescriptors(descriptors), rule)
      this.sessions.set(id, session)
      if (this.sessions.size > maxSessions) this.sessions.delete(this.sessions.keys().next().value!)
    }
    return session
  }

  /** A check-in of this person decided by another session and still being written. */
  private inFlight(personId: string, at: number, interval: number): boolean {
    const pending = this.pending.get(personId)
    return pending !== undefined && Math.abs(at - pending) < Math.max(interval, 1)
  }
}

type CheckInMethods = 'checkin.frame' | 'checkin.log' | 'checkin.csv' | 'checkin.thumbnail'

export function checkinHandlers({ faces, store, cameras }: ServiceContext): Pick<Handlers, CheckInMethods> {
  const checkIns = new CheckIns(faces, store)
  return {
    'checkin.frame': ({ session, at, frame, dryRun }) => {
      cameras.frameSeen()
      return checkIns.frame(session, at, frame, dryRun)
    },
    'checkin.log': ({ from, to }) => checkIns.log(from, to),
    'checkin.csv': ({ from, to }) => checkIns.csv(from, to),
    'checkin.thumbnail': ({ checkInId }) => checkIns.thumbnail(checkInId)
  }
}
