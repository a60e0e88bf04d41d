import type { LivenessMode, LivenessVerdict } from '../../../shared/api/checkin'
import type { ExpressionSummary } from './expressionEvidence'
import type { ParallaxSummary } from './parallaxEvidence'
import type { PassiveSummary } from './passiveEvidence'
import type { RecaptureSummary } from './recaptureEvidence'

export interface LivenessEvidence {
  blinkSeenAt: number | null
  blinks: number
  /** This frame's eye openness, image-left eye first. */
  openness: [number, number] | null
  passive: PassiveSummary
  recapture: RecaptureSummary
  parallax: ParallaxSummary
  expression: ExpressionSummary
}

export interface LivenessRule {
  /** In blink mode a track that has not blinked after this long (ms) is judged a spoof; it may still blink later. */
  blinkWindowMs: number
  /** Non-planar motion (ParallaxSummary.peak) at least this high stands in for a blink; null: only a blink will do. */
  minParallax: number | null
  /** A change of the mouth (ExpressionSummary.peak) at least this large stands in for a blink; null: it does not. */
  minExpression: number | null
}

/**
 * minParallax is off because the cue does not separate (bench:liveness-motion, docs/front-desk.md):
 * FaceMesh moves its points unlike a plane on prints too as they turn, tilt and change light.
 * With the crop turned upright the bench's prints peak at 0.012–0.039 and the four live clips
 * without a blink at 0.063–0.118, so 0.05 there would refuse no one and accept no print; but a
 * print tilted harder (to 46°) reaches 0.057, next to d6's unblinking clip (0.063).
 *
 * minExpression, on the mouth's width over detector-anchored frames (expressionEvidence.ts): the
 * prints of bench:liveness peak at 0.016–0.043 and 21 prints swung harder at 0.023–0.055, the four
 * live clips without a blink at 0.20–0.27; every threshold from 0.06 to 0.15 gave APCER 0 and
 * BPCER 0 there, and 0.1 sits between the classes.
 */
export const defaultLiveness: LivenessRule = { blinkWindowMs: 10_000, minParallax: null, minExpression: 0.1 }

/**
 * The modes are cumulative, because one cue alone is beaten by one attack: a replayed video
 * blinks, and a single-frame classifier can be fooled by a good print (human #304: "combine cues
 * rather than trust one model"). Passive mode needs the networks' verdict and no screen's moiré
 * on the face; blink mode needs both as well as a blink, or the mouth moving as speech or a smile
 * moves it (a print can do neither). The moiré refuses outright: a screen's video blinks and
 * speaks, so nothing else it shows can vouch for it.
 */
export function livenessVerdict(evidence: LivenessEvidence, mode: LivenessMode, trackAgeMs: number, rule: LivenessRule = defaultLiveness): LivenessVerdict {
  if (mode === 'off') return 'live'
  const passive = evidence.passive.verdict
  const recapture = evidence.recapture.verdict
  if (recapture === 'screen') return 'spoof'
  if (passive !== 'live') return passive
  if (recapture === 'pending') return 'pending'
  if (mode === 'passive') return 'live'
  if (evidence.blinkSeenAt !== null) return 'live'
  if (rule.minExpression !== null && evidence.expression.peak !== null && evidence.expression.peak >= rule.minExpression) return 'live'
  if (rule.minParallax !== null && evidence.parallax.peak !== null && evidence.parallax.peak >= rule.minParallax) return 'live'
  return trackAgeMs > rule.blinkWindowMs ? 'spoof' : 'pending'
}
