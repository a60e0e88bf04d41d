import type { Box } from '../../../shared/geometry'
import { BlinkDetector, defaultBlink, type BlinkRule } from './blinkDetector'
import { defaultTracker, FaceTracker, type TrackerRule, type TrackState } from './faceTracker'
import { defaultVote, IdentityVote, type IdentityAnswer, type IdentityDecision, type VoteRule } from './identityVote'
import type { LivenessMode, LivenessVerdict } from '../../../shared/api/checkin'
import { defaultLiveness, livenessVerdict, type LivenessEvidence, type LivenessRule } from './livenessVerdict'
import type { FrameObservation, FramePlan } from './observeFrame'
import { defaultExpression, ExpressionEvidence, type ExpressionRule } from './expressionEvidence'
import { defaultParallax, ParallaxEvidence, type ParallaxRule } from './parallaxEvidence'
import { defaultPassive, PassiveEvidence, type PassiveRule } from './passiveEvidence'
import { defaultRecapture, RecaptureEvidence, type RecaptureRule } from './recaptureEvidence'

export interface EncodeRule {
  /** A new track is encoded on each frame until its vote decides, at most this many times. */
  startEncodes: number
  /** Then once every this many ms… */
  everyMs: number
  /** …or sooner, but not before this many ms, when a view this much better than the best encoded one comes. */
  betterViewAfterMs: number
  betterViewGain: number
}

const defaultEncode: EncodeRule = { startEncodes: 4, everyMs: 1000, betterViewAfterMs: 250, betterViewGain: 1.15 }

export interface SessionRule {
  mode: LivenessMode
  tracker: TrackerRule
  vote: VoteRule
  encode: EncodeRule
  blink: BlinkRule
  passive: PassiveRule
  recapture: RecaptureRule
  parallax: ParallaxRule
  expression: ExpressionRule
  liveness: LivenessRule
  /** The passive networks score each track this often (ms). */
  passiveEveryMs: number
}

export const defaultSession: SessionRule = {
  mode: 'blink',
  tracker: defaultTracker,
  vote: defaultVote,
  encode: defaultEncode,
  blink: defaultBlink,
  passive: defaultPassive,
  recapture: defaultRecapture,
  parallax: defaultParallax,
  expression: defaultExpression,
  liveness: defaultLiveness,
  passiveEveryMs: 200
}

/** The gallery's answer for a batch of descriptors (Gallery.identifyBatch at the session's τ). */
export type Identify = (descriptors: Float32Array[]) => IdentityAnswer[]

export interface LiveTrack {
  id: number
  /** Smoothed, for the overlay; faceBox is the last measurement. */
  box: Box
  faceBox: Box
  firstSeenAt: number
  lastSeenAt: number
  identity: IdentityDecision & { encodings: number; namedAt: number | null }
  liveness: LivenessEvidence & { verdict: LivenessVerdict }
  /** Named, and live under the session's liveness mode: the service may check this person in. */
  ready: boolean
}

export interface LiveFrameResult {
  at: number
  tracks: LiveTrack[]
  /** Tracks that ended with this frame, as they last stood. */
  ended: LiveTrack[]
}

interface Evidence {
  vote: IdentityVote
  blink: BlinkDetector
  passive: PassiveEvidence
  recapture: RecaptureEvidence
  parallax: ParallaxEvidence
  expression: ExpressionEvidence
  encodings: number
  lastEncodeAt: number
  bestQuality: number
  lastPassiveAt: number
  blinkSeenAt: number | null
  blinks: number
  openness: [number, number] | null
  namedAt: number | null
}

/**
 * The stateful half of the live pipeline, plain TypeScript: it plans each frame's neural work
 * (observeFrame) and turns the observation into tracks with an identity vote, liveness evidence
 * and a check-in decision. The same session serves a camera, a video file or the bench.
 */
export class LiveSession {
  private readonly tracker: FaceTracker
  private readonly evidence = new Map<number, Evidence>()

  constructor(
    private readonly identify: Identify,
    private readonly rule: SessionRule = defaultSession
  ) {
    this.tracker = new FaceTracker(rule.tracker)
  }

  plan(at: number): FramePlan {
    return {
      detect: this.tracker.needsDetection(at),
      follow: this.tracker.predictedCrops(at).map(({ trackId, cropBox, roll }) => {
        const e = this.evidence.get(trackId)!
        const encodeAbove = this.encodeAbove(e, at)
        // never on a frame that encodes for certain: the frames that name a newcomer stay short
        return { trackId, cropBox, roll, encodeAbove, passive: encodeAbove !== 0 && at - e.lastPassiveAt >= this.rule.passiveEveryMs }
      })
    }
  }

  update(observation: FrameObservation, at: number): LiveFrameResult {
    const { assigned, started, ended } = this.tracker.update(observation, at)
    for (const track of started) this.evidence.set(track.id, this.freshEvidence())
    const endedTracks = ended.map((track) => this.describe(track, at))
    for (const track of ended) this.evidence.delete(track.id)

    const toIdentify: { trackId: number; descriptor: Float32Array }[] = []
    observation.faces.forEach((face, i) => {
      const trackId = assigned[i]
      const e = trackId === null ? undefined : this.evidence.get(trackId)
      if (trackId === null || !e) return
      if (face.openness) {
        e.openness = face.openness
        if (e.blink.observe(face.openness[0], face.openness[1], at)) {
          e.blinks++
          e.blinkSeenAt = at
        }
      } else e.openness = null
      if (face.moire !== null) e.recapture.add(face.moire)
      if (face.mesh.length > 0) {
        e.parallax.add(face.mesh, at)
        // the mouth is read only where the detector placed the crop (ExpressionEvidence)
        if (face.detectionScore !== null) e.expression.add(face.mesh, at)
      }
      if (face.passive) {
        e.passive.add(face.passive)
        e.lastPassiveAt = at
      }
      if (face.descriptor) {
        toIdentify.push({ trackId, descriptor: face.descriptor })
        e.encodings++
        e.lastEncodeAt = at
        e.bestQuality = Math.max(e.bestQuality, face.quality)
      }
    })
    if (toIdentify.length > 0) {
      const answers = this.identify(toIdentify.map((t) => t.descriptor))
      toIdentify.forEach(({ trackId }, k) => {
        const e = this.evidence.get(trackId)!
        const decision = e.vote.add(answers[k])
        if (decision.personId !== null && e.namedAt === null) e.namedAt = at
      })
    }
    return { at, tracks: this.tracker.current.map((track) => this.describe(track, at)), ended: endedTracks }
  }

  private freshEvidence(): Evidence {
    return {
      vote: new IdentityVote(this.rule.vote),
      blink: new BlinkDetector(this.rule.blink),
      passive: new PassiveEvidence(this.rule.passive),
      recapture: new RecaptureEvidence(this.rule.recapture),
      parallax: new ParallaxEvidence(this.rule.parallax),
      expression: new ExpressionEvidence(this.rule.expression),
      encodings: 0,
      lastEncodeAt: -Infinity,
      bestQuality: 0,
      lastPassiveAt: -Infinity,
      blinkSeenAt: null,
      blinks: 0,
      openness: null,
      namedAt: null
    }
  }

  private encodeAbove(e: Evidence, at: number): number | null {
    const { startEncodes, everyMs, betterViewAfterMs, betterViewGain } = this.rule.encode
    if (!e.vote.current.decided && e.encodings < startEncodes) return 0
    const since = at - e.lastEncodeAt
    if (since >= everyMs) return 0
    if (since >= betterViewAfterMs) return e.bestQuality * betterViewGain
    return null
  }

  private describe(track: TrackState, at: number): LiveTrack {
    const e = this.evidence.get(track.id)!
    const evidence: LivenessEvidence = { blinkSeenAt: e.blinkSeenAt, blinks: e.blinks, openness: e.openness, passive: e.passive.summary, recapture: e.recapture.summary, parallax: e.parallax.summary, expression: e.expression.summary }
    const verdict = livenessVerdict(evidence, this.rule.mode, at - track.firstSeenAt, this.rule.liveness)
    const identity = { ...e.vote.current, encodings: e.encodings, namedAt: e.namedAt }
    return {
      id: track.id,
      box: track.box,
      faceBox: track.faceBox,
      firstSeenAt: track.firstSeenAt,
      lastSeenAt: track.lastSeenAt,
      identity,
      liveness: { ...evidence, verdict },
      ready: identity.decided && identity.personId !== null && verdict === 'live'
    }
  }
}
