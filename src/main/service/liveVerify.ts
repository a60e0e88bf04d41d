import type { LiveVerifyResult } from '../../shared/api/face'
import type { CameraFrame } from '../../shared/api/checkin'
import { frameImage } from './cameraFrame'
import type { LiveTrack } from '../face/live/liveSession'
import type { Faces } from './faces'
import type { Store } from '../store'
import { DeskSession, sessionRule } from './deskSession'

/** Camera views verifying at once; the oldest is dropped beyond this. */
const maxSessions = 8

/** The face a verification is about: the largest in view (the one standing at the camera). */
function facing(tracks: readonly LiveTrack[]): LiveTrack | undefined {
  return [...tracks].sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)[0]
}

/**
 * Verification at the camera (1:1): the same live session as the front desk — tracks, a vote over
 * several encodings, liveness under the verify setting — but each encoding is compared with the
 * claimed person only. The verdict waits until the vote and the liveness check have both decided,
 * so one lucky frame cannot pass and a photo held up cannot pass at all where liveness is asked.
 * A session follows one claimed person: choosing another starts afresh.
 */
export class LiveVerifications {
  private readonly sessions = new Map<string, { personId: string; desk: DeskSession }>()

  constructor(
    private readonly faces: Faces,
    private readonly store: Store
  ) {}

  async frame(sessionId: string, at: number, frame: CameraFrame, personId: string): Promise<LiveVerifyResult> {
    const person = this.faces.verifiable(personId)
    const settings = this.store.settings.get()
    const rule = sessionRule(settings, settings.verifyLiveness)
    const desk = this.session(sessionId, personId)
    const image = await frameImage(frame)
    const result = await desk.frame(at, rule, (plan) => this.faces.observeFrame(image, plan))
    const track = facing(result.tracks)
    const { decided, personId: voted, distance } = track?.identity ?? { decided: false, personId: null, distance: null }
    const liveness = track?.liveness.verdict ?? 'pending'
    // A face that is not them needs no proof of life to be refused; one that is, does.
    const settled = decided && distance !== null && (voted === null || liveness !== 'pending')
    return {
      width: image.width,
      height: image.height,
      threshold: settings.tau,
      personId: person.id,
      name: person.name,
      track: track ? desk.view(track, rule.mode, (id) => (id === person.id ? person.name : null)) : null,
      verdict: settled ? { match: voted === person.id && liveness === 'live', distance: distance!, liveness } : null
    }
  }

  private session(id: string, personId: string): DeskSession {
    let entry = this.sessions.get(id)
    if (!entry || entry.personId !== personId) {
      const settings = this.store.settings.get()
      entry = { personId, desk: new DeskSession((descriptors) => this.faces.verifyDescriptors(personId, descriptors), sessionRule(settings, settings.verifyLiveness)) }
      this.sessions.delete(id)
      this.sessions.set(id, entry)
      if (this.sessions.size > maxSessions) this.sessions.delete(this.sessions.keys().next().value!)
    }
    return entry.desk
  }
}
