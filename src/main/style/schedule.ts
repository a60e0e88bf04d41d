import { fitLongestSide } from './resize'

export interface Stage {
  width: number
  height: number
  iterations: number
}

/**
 * Coarse-to-fine: the longest side halves from the target down to `minSide`, and the image found
 * at one scale, upsampled, starts the next. Coarse iterations cost a quarter per halving and lay
 * down large strokes that the fixed receptive fields cannot draw at full size (notes: strokes look
 * small at 384 px). The last scale gets a quarter of the iterations and the coarser ones share the
 * rest: measured in bench/style.ts, a coarse iteration costs about a third of a fine one, and the
 * upsampled result recovers quickly at full size (MobileNetV2: J 2.1 → 1.3 in its first five
 * iterations there, from 1.7 at the start of the coarse scale). A scale whose short side would drop
 * below `minShortSide` is skipped, as is one left with none.
 */
export function scaleStages(
  content: { width: number; height: number },
  size: number,
  iterations: number,
  options: { multiScale: boolean; minSide: number; minShortSide: number }
): Stage[] {
  const longest: number[] = [size]
  if (options.multiScale) {
    for (let side = Math.round(size / 2); side >= options.minSide; side = Math.round(side / 2)) longest.unshift(side)
  }
  const sizes = longest
    .map((side) => fitLongestSide(content.width, content.height, side))
    .filter((s, i, all) => i === all.length - 1 || Math.min(s.width, s.height) >= options.minShortSide)
  const final = Math.ceil(iterations / 4)
  const coarse = sizes.length - 1
  return sizes
    .map((s, i) => {
      if (i === coarse) return { ...s, iterations: coarse === 0 ? iterations : final }
      const share = Math.floor((iterations - final) / coarse) + (i < (iterations - final) % coarse ? 1 : 0)
      return { ...s, iterations: share }
    })
    .filter((stage) => stage.iterations > 0)
}
