import { median } from './median'

export interface RecaptureRule {
  /** A track is judged on the median moiré prominence of its last `window` frames, once it has `minSamples`. */
  window: number
  minSamples: number
  /** A median prominence at or over this is a screen. */
  minScreen: number
}

/**
 * Measured (docs/front-desk.md): on live faces of the six videos the face window's most prominent
 * peak is 3–7 times its surroundings frame by frame, as sensor noise's largest of ~3000 bins is
 * expected to be, and stays under 7.2 after JPEG at quality 40–75; the simulated screens give
 * 18–98. A grating of 2% contrast laid over live frames reaches 9–44.
 */
export const defaultRecapture: RecaptureRule = { window: 15, minSamples: 5, minScreen: 10 }

export interface RecaptureSummary {
  /** Median moiré prominence over the window; null before any frame. */
  moire: number | null
  samples: number
  verdict: 'pending' | 'clear' | 'screen'
}

/** Whether a track is seen through a screen, by the moiré on its face (moireProminence), a median over frames as PassiveEvidence is. */
export class RecaptureEvidence {
  private prominences: number[] = []

  constructor(private readonly rule: RecaptureRule = defaultRecapture) {}

  add(prominence: number): void {
    this.prominences.push(prominence)
    if (this.prominences.length > this.rule.window) this.prominences.shift()
  }

  get summary(): RecaptureSummary {
    const samples = this.prominences.length
    const moire = median(this.prominences)
    const verdict = moire === null || samples < this.rule.minSamples ? 'pending' : moire >= this.rule.minScreen ? 'screen' : 'clear'
    return { moire, samples, verdict }
  }
}
