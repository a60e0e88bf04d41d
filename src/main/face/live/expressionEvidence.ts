import type { Point } from '../../../shared/geometry'
import { mouthShape } from './meshGeometry'

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
  /** How far the mouth's opening or width moved within the window (mouthShape's units); null before the window fills. */
  change: number | null
  /** The highest change over the track. */
  peak: number | null
}

/**
 * How much a track's mouth has moved on its own, as speech or a smile moves it and a print cannot:
 * the range of mouthShape's opening and of its width over the window, the larger of the two. Both
 * are ratios of lengths a print keeps as it is moved, turned and tilted.
 *
 * Only frames whose crop the detector placed count (the session passes no others). On a crop
 * carried from the last mesh, FaceMesh's lips drift as the crop lags the face: on a print of d6
 * mid-word, swung hard, runs of two or three tracked frames shut the mouth (opening 0.57 → 0.17)
 * until the next detection put it back, a change of 0.43 that no median of three removes; over
 * the detector-anchored frames of the same print it was 0.07, while d6, d12 and d19 speaking without
 * a blink gave 0.38–0.54.
 */
export class ExpressionEvidence {
  private shapes: { at: number; opening: number; width: number }[] = []
  private summaryNow: ExpressionSummary = { change: null, peak: null }

  constructor(private readonly rule: ExpressionRule = defaultExpression) {}

  add(mesh: readonly Point[], at: number): void {
    this.shapes.push({ at, ...mouthShape(mesh) })
    while (at - this.shapes[0].at >= this.rule.windowMs) this.shapes.shift()
    if (this.shapes.length < this.rule.minFrames) return
    const range = (values: number[]): number => Math.max(...values) - Math.min(...values)
    const change = Math.max(range(this.shapes.map((s) => s.opening)), range(this.shapes.map((s) => s.width)))
    this.summaryNow = { change, peak: Math.max(this.summaryNow.peak ?? 0, change) }
  }

  get summary(): ExpressionSummary {
    return this.summaryNow
  }
}
