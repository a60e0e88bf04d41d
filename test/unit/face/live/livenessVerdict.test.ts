import { describe, expect, it } from 'vitest'
import { defaultLiveness, livenessVerdict, type LivenessEvidence } from '../../../../src/main/face/live/livenessVerdict'

const live: LivenessEvidence = {
  blinkSeenAt: 1200,
  blinks: 1,
  openness: [0.25, 0.26],
  passive: { antispoof: 0.7, liveness: 0.9, samples: 5, verdict: 'live' },
  recapture: { moire: 4.3, samples: 15, verdict: 'clear' },
  parallax: { residual: 0.03, peak: 0.13, samples: 20 },
  expression: { change: 0.02, peak: 0.03 }
}

describe('the liveness verdict', () => {
  it('lets a blinking face with no screen on it in, in passive and blink modes', () => {
    expect(livenessVerdict(live, 'passive', 3000)).toBe('live')
    expect(livenessVerdict(live, 'blink', 3000)).toBe('live')
  })

  it("refuses a screen's moiré whatever else the face shows, but not with liveness off", () => {
    const screen = { ...live, recapture: { moire: 40, samples: 15, verdict: 'screen' as const } }
    expect(livenessVerdict(screen, 'passive', 3000)).toBe('spoof')
    expect(livenessVerdict(screen, 'blink', 3000)).toBe('spoof')
    expect(livenessVerdict(screen, 'off', 3000)).toBe('live')
  })

  it('waits for enough frames of the moiré before letting anyone in', () => {
    const early = { ...live, recapture: { moire: 4, samples: 2, verdict: 'pending' as const } }
    expect(livenessVerdict(early, 'blink', 300)).toBe('pending')
  })

  it('takes no non-planar motion for a blink by default; with minParallax set, enough of it stands in', () => {
    const noBlink = { ...live, blinkSeenAt: null, blinks: 0 }
    expect(livenessVerdict(noBlink, 'blink', 3000)).toBe('pending')
    expect(livenessVerdict(noBlink, 'blink', defaultLiveness.blinkWindowMs + 1)).toBe('spoof')
    expect(livenessVerdict(noBlink, 'blink', 3000, { ...defaultLiveness, minParallax: 0.12 })).toBe('live')
    expect(livenessVerdict(noBlink, 'blink', 3000, { ...defaultLiveness, minParallax: 0.15 })).toBe('pending')
  })

  it("takes a change of the mouth's shape over its threshold for a blink, and nothing less", () => {
    const still = { ...live, blinkSeenAt: null, blinks: 0 }
    const spoke = { ...still, expression: { change: 0.01, peak: defaultLiveness.minExpression! } }
    expect(livenessVerdict(spoke, 'blink', 3000)).toBe('live')
    expect(livenessVerdict({ ...spoke, expression: { change: 0.01, peak: defaultLiveness.minExpression! - 0.001 } }, 'blink', defaultLiveness.blinkWindowMs + 1)).toBe('spoof')
    expect(livenessVerdict(spoke, 'blink', 3000, { ...defaultLiveness, minExpression: null })).toBe('pending')
    // a screen's video speaks too: the moiré still refuses it
    expect(livenessVerdict({ ...spoke, recapture: { moire: 40, samples: 15, verdict: 'screen' } }, 'blink', 3000)).toBe('spoof')
  })
})
