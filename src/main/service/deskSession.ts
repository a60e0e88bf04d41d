import type { CheckInLiveness, LivenessMode, LiveTrack as TrackView } from '../../shared/api/checkin'
import type { Settings } from '../../shared/api/settings'
import type { Identify, LiveFrameResult, LiveTrack } from '../face/live/liveSession'
import { defaultSession, LiveSession, type SessionRule } from '../face/live/liveSession'
import type { FrameObservation, FramePlan } from '../face/live/observeFrame'

/** A gap this long between a session's frames starts it afresh: the camera stopped, the view was left. */
const staleMs = 10_000

/** The live session's rule under the desk's settings: the liveness mode (check-in's, unless another is asked) and the passive thresholds. */
export function sessionRule(settings: Settings, mode: LivenessMode = settings.liveness): SessionRule {
  const { antispoof, liveness } = settings.passiveThresholds
  return { ...defaultSession, mode, passive: { ...defaultSession.passive, minAntispoof: antispoof, minLiveness: liveness } }
}

/** A track's liveness evidence as the log keeps it (without the mode). */
export function trackEvidence({ liveness }: LiveTrack): Omit<CheckInLiveness, 'mode'> {
  return { blinkSeenAt: liveness.blinkSeenAt, antispoof: liveness.passive.antispoof, liveness: liveness.passive.liveness, moire: liveness.recapture.moire, expression: liveness.expression.peak }
}

/**
 * One camera view's front desk: its LiveSession (tracks, votes, liveness), which tracks have
 * already checked their person in, and its frames one at a time, in order (a session's state
 * follows time; two frames in flight would interleave).
 */
export class DeskSession {
  private live: LiveSession
  private ruleKey: string
  private lastAt = -Infinity
  private queue: Promise<unknown> = Promise.resolve()
  /** Tracks whose check-in was decided (logged, or refused by the interval rule): one per track. */
  private readonly settled = new Set<number>()
  /** Tracks this session checked in, for the overlay. */
  private readonly checkedIn = new Set<number>()

  constructor(
    private readonly identify: Identify,
    rule: SessionRule
  ) {
    this.ruleKey = JSON.stringify(rule)
    this.live = new LiveSession(identify, rule)
  }

  /**
   * Runs one frame through `observe` (the worker's neural work), after the session's earlier
   * frames. A new rule (the settings changed), a long gap or time running backwards starts afresh.
   */
  frame(at: number, rule: SessionRule, observe: (plan: FramePlan) => Promise<FrameObservation>): Promise<LiveFrameResult> {
    const next = this.queue.then(async () => {
      const key = JSON.stringify(rule)
      if (key !== this.ruleKey || at - this.lastAt > staleMs || at < this.lastAt) {
        this.live = new LiveSession(this.identify, rule)
        this.ruleKey = key
        this.settled.clear()
        this.checkedIn.clear()
      }
      this.lastAt = at
      return this.live.update(await observe(this.live.plan(at)), at)
    })
    this.queue = next.catch(() => undefined)
    return next
  }

  /** The tracks that may check their person in now: named, live, and not yet settled. */
  due(result: LiveFrameResult): LiveTrack[] {
    return result.tracks.filter((track) => track.ready && !this.settled.has(track.id))
  }

  settle(trackId: number, logged: boolean): void {
    this.settled.add(trackId)
    if (logged) this.checkedIn.add(trackId)
  }

  /** A track as the view draws it. */
  view(track: LiveTrack, mode: SessionRule['mode'], nameOf: (personId: string) => string | null): TrackView {
    const { decided, distance } = track.identity
    const name = track.identity.personId === null ? null : nameOf(track.identity.personId)
    return {
      id: track.id,
      box: track.box,
      personId: name === null ? null : track.identity.personId,
      name,
      distance,
      decided,
      liveness: track.liveness.verdict,
      evidence: trackEvidence(track),
      // Until a blink (or a change of expression standing in for one) is seen the overlay asks for
      // a blink; after the window it still may come.
      prompt: mode === 'blink' && track.liveness.blinkSeenAt === null && track.liveness.verdict !== 'live' ? 'blink' : null,
      checkedIn: this.checkedIn.has(track.id)
    }
  }
}
