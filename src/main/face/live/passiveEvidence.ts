import { median } from './median'
import type { PassiveScores } from './passiveNets'

export interface PassiveRule {
  /** A track is judged on the median of its last `window` scores, once it has `minSamples`. */
  window: number
  minSamples: number
  /** Live when both medians reach their threshold (the threshold lives in settings). */
  minAntispoof: number
  minLiveness: number
}

export const defaultPassive: PassiveRule = { window: 15, minSamples: 3, minAntispoof: 0.5, minLiveness: 0.5 }

export interface PassiveSummary {
  antispoof: number | null
  liveness: number | null
  samples: number
  verdict: 'pending' | 'live' | 'spoof'
}

/**
 * The passive networks' opinion of a track: single-frame scores swing with expression and light
 * (liveness 0.49–0.86 over three seconds of d0), so a track is judged on medians, never a frame.
 */
export class PassiveEvidence {
  private scores: PassiveScores[] = []

  constructor(private readonly rule: PassiveRule = defaultPassive) {}

  add(scores: PassiveScores): void {
    this.scores.push(scores)
    if (this.scores.length > this.rule.window) this.scores.shift()
  }

  get summary(): PassiveSummary {
    const samples = this.scores.length
    if (samples === 0) return { antispoof: null, liveness: null, samples, verdict: 'pending' }
    const antispoof = median(this.scores.map((s) => s.antispoof))!
    const liveness = median(this.scores.map((s) => s.liveness))!
    const verdict = samples < this.rule.minSamples ? 'pending' : antispoof >= this.rule.minAntispoof && liveness >= this.rule.minLiveness ? 'live' : 'spoof'
    return { antispoof, liveness, samples, verdict }
  }
}
