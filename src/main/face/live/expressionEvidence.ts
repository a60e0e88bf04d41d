import type { Point } from '../../../shared/geometry'
import { mouthWidth } from './meshGeometry'

export interface ExpressionRule {
  /** The mouth's change is judged over the track's detector-anchored frames of the last windowMs… */
  windowMs: number
  /** …once the window holds this many. */
  minFrames: number
}

/**
 * Three seconds: the tracker re-anchors a followed face on the detector about three times a second
 * at 15 fps and once a second at 3 fps, so the window holds three such frames at least.
 */
export const defaultExpression: ExpressionRule = { windowMs: 3000, minFrames: 3 }

export interface ExpressionSummary {
  /** How far the mouth's width moved within the window (mouthWidth's units: the eyes' span); null before the window fills. */
  change: number | null
  /** The highest change over the track. */
  peak: number | null
}

/**
 * How much a track's mouth has moved on its own, as speech or a smile moves it and a print cannot:
 * the range of mouthWidth over the window, a ratio of lengths a print keeps as it is moved, turned
 * and tilted.
 *
 * Only frames whose crop the detector placed count (the session passes no others). On a crop
 * carried from the last mesh, FaceMesh's mouth drifts as the crop lags the face: on a print of d6
 * mid-word, swung hard, runs of two or three tracked frames shut its mouth until the next
 * detection put it back. Over the detector-anchored frames of prints of d6 and d19 swung hard
 * (turned ±0.35 rad, tilted to 46°) the width moved by 0.041 and 0.043; d6, d12 and d19 speaking
 * without a blink moved it by 0.20–0.27 (d9, who blinks, 0.11).
 */
export class ExpressionEvidence {
  private widths: { at: number; width: number }[] = []
  private summaryNow: ExpressionSummary = { change: null, peak: null }

  constructor(private readonly rule: ExpressionRule = defaultExpression) {}

  add(mesh: readonly Point[], at: number): void {
    this.widths.push({ at, width: mouthWidth(mesh) })
    while (at - this.widths[0].at >= this.rule.windowMs) this.widths.shift()
    if (this.widths.length < this.rule.minFrames) return
    const values = this.widths.map((w) => w.width)
    const change = Math.max(...values) - Math.min(...values)
    this.summaryNow = { change, peak: Math.max(this.summaryNow.peak ?? 0, change) }
  }

  get summary(): ExpressionSummary {
    return this.summaryNow
  }
}
