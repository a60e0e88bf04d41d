import { fitLongestSide } from './resize'

export interface Stage {
  width: number
  height: number
  iterations: number
}

/**
 * Coarse-to-fine: the longest side halves from the target down to `minSide`, and the image found
 * at one scale, upsampled, starts the next. Coarse iterations are cheap (a quarter per halving) and
 * lay down the large strokes that the fixed receptive fields cannot draw at full size; finer scales
 * add detail to a picture that is already composed. Each scale gets `fineShare` times the
 * iterations of the scale below it (largest remainders rounded up, so they add up): at 0.5 the
 * work per scale doubles at each doubling of size instead of quadrupling, which is what lets a
 * 2048 px picture finish in minutes. A scale whose short side would drop below `minShortSide` is
 * skipped, as is one left with no iterations.
 */
export function scaleStages(
  content: { width: number; height: number },
  size: number,
  iterations: number,
  options: { multiScale: boolean; minSide: number; minShortSide: number; fineShare: number }
): Stage[] {
  const longest: number[] = [size]
  if (options.multiScale) {
    for (let side = Math.round(size / 2); side >= options.minSide; side = Math.round(side / 2)) longest.unshift(side)
  }
  const sizes = longest
    .map((side) => fitLongestSide(content.width, content.height, side))
    .filter((s, i, all) => i === all.length - 1 || Math.min(s.width, s.height) >= options.minShortSide)
  // n_i = N·r^i / Σ_j r^j, coarsest first
  const weights = sizes.map((_, i) => options.fineShare ** i)
  const total = weights.reduce((a, b) => a + b, 0)
  const exact = weights.map((w) => (iterations * w) / total)
  const counts = exact.map(Math.floor)
  const remainders = exact.map((x, i) => ({ i, r: x - counts[i] })).sort((a, b) => b.r - a.r || a.i - b.i)
  const leftOver = iterations - counts.reduce((a, b) => a + b, 0)
  for (let k = 0; k < leftOver; k++) counts[remainders[k].i]++
  // The picture comes out at the size asked for: the finest scale keeps at least one iteration,
  // taken from the scale with the most (with 1 iteration over two scales, the result was 128 px).
  const finest = counts.length - 1
  if (counts[finest] === 0 && iterations > 0) {
    counts[counts.indexOf(Math.max(...counts))]--
    counts[finest] = 1
  }
  return sizes.map((s, i) => ({ ...s, iterations: counts[i] })).filter((stage) => stage.iterations > 0)
}
