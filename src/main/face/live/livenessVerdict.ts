import type { LivenessMode, LivenessVerdict } from '../../../shared/api/checkin'
import type { PassiveSummary } from './passiveEvidence'

export interface LivenessEvidence {
  blinkSeenAt: number | null
  blinks: number
  /** This frame's eye openness, image-left eye first. */
  openness: [number, number] | null
  passive: PassiveSummary
}


export interface LivenessRule {
  /** In blink mode a track that has not blinked after this long (ms) is judged a spoof; it may still blink later. */
  blinkWindowMs: number
}

export const defaultLiveness: LivenessRule = { blinkWindowMs: 10_000 }

/**
 * The modes are cumulative, because one cue alone is beaten by one attack: a replayed video
 * blinks, and a single-frame classifier can be fooled by a good print (human #304: "combine cues
 * rather than trust one model"). Blink mode needs the passive verdict as well as a blink.
 */
export function livenessVerdict(evidence: LivenessEvidence, mode: LivenessMode, trackAgeMs: number, rule: LivenessRule = defaultLiveness): LivenessVerdict {
  if (mode === 'off') return 'live'
  const passive = evidence.passive.verdict
  if (mode === 'passive' || passive !== 'live') return passive
  if (evidence.blinkSeenAt !== null) return 'live'
  return trackAgeMs > rule.blinkWindowMs ? 'spoof' : 'pending'
}
