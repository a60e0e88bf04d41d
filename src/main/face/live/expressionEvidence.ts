import type { Point } from '../../../shared/geometry'
import { median } from './median'
import { mouthShape } from './meshGeometry'

export interface ExpressionRule {
  /** The mouth's change is judged over the track's frames of the last windowMs… */
  windowMs: number
  /** …once the window holds this many. */
  minFrames: number
}

/** Two seconds: a word or a smile comes and goes in it, and at 3 fps it still holds six frames. */
export const defaultExpression: ExpressionRule = { windowMs: 2000, minFrames: 4 }

export interface ExpressionSummary {
  /** How far the mouth's opening or width moved within the window (mouthShape's units); null before the window fills. */
  change: number | null
  /** The highest change over the track. */
  peak: number | null
}

/**
 * How much a track's mouth has moved on its own, as speech or a smile moves it and a print
 * cannot: the range of mouthShape's opening and of its width over the window, the larger of the
 * two, each frame's value first the median of it and its neighbours so that one frame's landmark
 * jitter does not count. Both are ratios of lengths a print keeps as it is moved, turned and
 * tilted, so a rigidly held photo changes them by the mesh's jitter alone.
 */
export class ExpressionEvidence {
  private shapes: { at: number; opening: number; width: number }[] = []
  private raw: { opening: number; width: number }[] = []
  private summaryNow: ExpressionSummary = { change: null, peak: null }

  constructor(private readonly rule: ExpressionRule = defaultExpression) {}

  add(mesh: readonly Point[], at: number): void {
    this.raw.push(mouthShape(mesh))
    if (this.raw.length > 3) this.raw.shift()
    // the middle frame of the last three, smoothed by its neighbours
    if (this.raw.length === 3) this.shapes.push({ at, opening: median(this.raw.map((s) => s.opening))!, width: median(this.raw.map((s) => s.width))! })
    while (this.shapes.length > 0 && at - this.shapes[0].at >= this.rule.windowMs) this.shapes.shift()
    if (this.shapes.length < this.rule.minFrames) return
    const range = (values: number[]): number => Math.max(...values) - Math.min(...values)
    const change = Math.max(range(this.shapes.map((s) => s.opening)), range(this.shapes.map((s) => s.width)))
    this.summaryNow = { change, peak: Math.max(this.summaryNow.peak ?? 0, change) }
  }

  get summary(): ExpressionSummary {
    return this.summaryNow
  }
}
