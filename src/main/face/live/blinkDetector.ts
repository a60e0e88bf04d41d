export interface BlinkRule {
  /** Both eyes under this fraction of their open level: closed. */
  closedRatio: number
  /** Both eyes back over this fraction: open again. */
  openRatio: number
  /**
   * The eyes are seen shut for this long at most (ms, first to last closed frame), and neither the
   * open frame before nor the one after is farther than this from them…
   */
  maxMs: number
  /** …and at least this long. */
  minMs: number
  /** The open level is the 80th percentile of openness over this many ms of open frames… */
  baselineMs: number
  /** …and needs this many frames before anything counts as closed. */
  baselineFrames: number
}

/**
 * Measured on the six face videos with Iris openness (eyeOpenness): open 0.2–0.3, closed under
 * 0.1, so the thresholds are relative to each person's own open level (glasses, eye shape).
 * Blinks there last 67–433 ms from the last open frame to the reopened one at 25–30 fps; one
 * slow blink of d9 lasts 533 ms; eyes shut for 1.1–3.6 s (d3, d9) are no blink. human's faceid
 * demo accepts 10–800 ms.
 */
export const defaultBlink: BlinkRule = { closedRatio: 0.55, openRatio: 0.75, minMs: 0, maxMs: 600, baselineMs: 2000, baselineFrames: 5 }

export interface Blink {
  /** The last frame with the eyes open before they closed, and the first with them open again. */
  from: number
  to: number
}

/**
 * A blink is both eyes closing and opening again within [minMs, maxMs]; one eye alone (a wink)
 * or eyes shut for longer is not. Each eye is measured against its own open level, the 80th
 * percentile of its openness over the last baselineMs of open frames.
 *
 * The limit applies to what was seen shut, and to each gap around it, not to open-to-open: at the
 * few frames a second a loaded machine gives the check-in view (3 fps: 333 ms apart) a blink is
 * caught in one frame, and open-to-open is then two gaps, 667 ms, however short the blink was.
 * Eyes shut for a second or more still show as shut over more than maxMs, or not at all.
 */
export class BlinkDetector {
  private history: { at: number; left: number; right: number }[] = []
  private lastOpenAt: number | null = null
  private closedSince: number | null = null
  private lastClosedAt: number | null = null

  constructor(private readonly rule: BlinkRule = defaultBlink) {}

  /** One frame's openness, image-left eye first; returns the blink this frame completes, if any. */
  observe(left: number, right: number, at: number): Blink | null {
    const level = this.openLevel()
    if (!level) {
      this.remember(left, right, at)
      return null
    }
    const ratios = [left / level.left, right / level.right]
    if (this.closedSince === null) {
      if (Math.max(...ratios) < this.rule.closedRatio && this.lastOpenAt !== null) {
        this.closedSince = at
        this.lastClosedAt = at
        return null
      }
      this.remember(left, right, at)
      return null
    }
    if (Math.min(...ratios) <= this.rule.openRatio) {
      this.lastClosedAt = at
      return null
    }
    const from = this.lastOpenAt!
    const [closedAt, reclosedAt] = [this.closedSince, this.lastClosedAt!]
    this.closedSince = null
    this.remember(left, right, at)
    const { minMs, maxMs } = this.rule
    const shortEnough = reclosedAt - closedAt <= maxMs && closedAt - from <= maxMs && at - reclosedAt <= maxMs
    return at - from >= minMs && shortEnough ? { from, to: at } : null
  }

  private remember(left: number, right: number, at: number): void {
    this.lastOpenAt = at
    this.history.push({ at, left, right })
    while (this.history.length > 0 && this.history[0].at < at - this.rule.baselineMs) this.history.shift()
  }

  // From the open frames only, so that eyes shut for a while do not lower their own yardstick.
  private openLevel(): { left: number; right: number } | null {
    if (this.history.length < this.rule.baselineFrames) return null
    const percentile80 = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length * 0.8)]
    return { left: percentile80(this.history.map((h) => h.left)), right: percentile80(this.history.map((h) => h.right)) }
  }
}
