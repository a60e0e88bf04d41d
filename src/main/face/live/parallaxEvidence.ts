import type { Point } from '../../../shared/geometry'
import { median } from './median'
import { homographyResidual } from './planarity'

export interface ParallaxRule {
  /** Each mesh is compared with the track's mesh from at least this long before (ms)… */
  lagMs: number
  /** …and a track is described by the median residual of its last `window` comparisons. */
  window: number
}

/** Two thirds of a second: a head turns by a few degrees in it; at 15 fps it is ten frames. */
export const defaultParallax: ParallaxRule = { lagMs: 667, window: 15 }

export interface ParallaxSummary {
  /** Median homography residual over the window (homographyResidual); null before the first comparison. */
  residual: number | null
  /** The highest that median has been over the track. */
  peak: number | null
  samples: number
}

/**
 * How far a track's FaceMesh points have moved unlike a plane (homographyResidual), against the
 * track's mesh from lagMs before: a median over frames, as the other evidence is, so one frame's
 * landmark jitter does not count.
 */
export class ParallaxEvidence {
  private meshes: { at: number; mesh: readonly Point[] }[] = []
  private residuals: number[] = []
  private samples = 0
  private peak: number | null = null

  constructor(private readonly rule: ParallaxRule = defaultParallax) {}

  add(mesh: readonly Point[], at: number): void {
    // the newest mesh at least lagMs old is the one compared with; older ones are no longer needed
    while (this.meshes.length > 1 && at - this.meshes[1].at >= this.rule.lagMs) this.meshes.shift()
    const then = this.meshes[0]
    if (then && at - then.at >= this.rule.lagMs) {
      this.residuals.push(homographyResidual(then.mesh, mesh))
      if (this.residuals.length > this.rule.window) this.residuals.shift()
      this.samples++
      this.peak = Math.max(this.peak ?? 0, median(this.residuals)!)
    }
    this.meshes.push({ at, mesh })
  }

  get summary(): ParallaxSummary {
    return { residual: median(this.residuals), peak: this.peak, samples: this.samples }
  }
}
