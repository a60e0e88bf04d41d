import type { Box } from '../../../shared/geometry'

export interface OneEuroRule {
  /** Hz: the cut-off when still; lower means less jitter and more lag. */
  minCutoff: number
  /** How fast the cut-off rises with speed (per pixel per second): less lag when the face moves. */
  beta: number
  /** Hz: the cut-off of the speed estimate itself. */
  speedCutoff: number
}

/** Measured on the six face videos (bench:live prints the jitter and the lag of the overlay box). */
export const defaultOneEuro: OneEuroRule = { minCutoff: 1, beta: 0.05, speedCutoff: 1 }

// α = 1 / (1 + τ/Tₑ), τ = 1/(2π f_c): the smoothing factor of a first-order low-pass at cut-off f_c
const alpha = (cutoff: number, dtSeconds: number): number => 1 / (1 + 1 / (2 * Math.PI * cutoff * dtSeconds))

/**
 * The 1€ filter (Casiez, Roussel & Vogel, CHI 2012): an exponential smoother whose cut-off
 * f_c = minCutoff + β·|ẋ| rises with the signal's speed, so a still face's box stops jittering
 * and a moving one is followed without lag.
 */
class OneEuroFilter {
  private value: number | null = null
  private speed = 0
  private at = 0

  constructor(private readonly rule: OneEuroRule = defaultOneEuro) {}

  filter(x: number, at: number): number {
    if (this.value === null || at <= this.at) {
      this.value ??= x
      this.at = at
      return this.value
    }
    const dt = (at - this.at) / 1000
    const rawSpeed = (x - this.value) / dt
    this.speed += alpha(this.rule.speedCutoff, dt) * (rawSpeed - this.speed)
    const cutoff = this.rule.minCutoff + this.rule.beta * Math.abs(this.speed)
    this.value += alpha(cutoff, dt) * (x - this.value)
    this.at = at
    return this.value
  }
}

/** A box smoothed by four 1€ filters: centre, width and height, each on its own. */
export class SmoothedBox {
  private readonly filters: OneEuroFilter[]

  constructor(rule: OneEuroRule = defaultOneEuro) {
    this.filters = Array.from({ length: 4 }, () => new OneEuroFilter(rule))
  }

  filter(box: Box, at: number): Box {
    const [cx, cy, width, height] = [box.x + box.width / 2, box.y + box.height / 2, box.width, box.height].map((v, i) => this.filters[i].filter(v, at))
    return { x: cx - width / 2, y: cy - height / 2, width, height }
  }
}
