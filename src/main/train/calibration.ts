import type { TauPoint } from '../../shared/api/train'
import { tauForIdentificationFar } from '../face/calibrate'


/** Gallery sizes on a log scale from 1 to `largest`, for the τ-vs-K plot. */
export function gallerySizes(largest: number): number[] {
  const sizes = new Set<number>([1])
  for (let exponent = 0; 10 ** exponent <= largest; exponent += 0.25) sizes.add(Math.round(10 ** exponent))
  sizes.add(largest)
  return [...sizes].filter((k) => k <= largest).sort((a, b) => a - b)
}

/** τ for a false-accept rate per identification at each gallery size: it shrinks as K grows. */
export function tauCurve(genuine: ArrayLike<number>, impostors: ArrayLike<number>, targetFar: number, sizes: readonly number[]): TauPoint[] {
  return sizes.map((gallerySize) => {
    const { tau, perComparisonFar, empiricalFar } = tauForIdentificationFar(impostors, targetFar, gallerySize)
    let accepted = 0
    for (let i = 0; i < genuine.length; i++) if (genuine[i]! <= tau) accepted++
    return { gallerySize, tau, perComparisonFar, empiricalFar, tar: genuine.length ? accepted / genuine.length : 0 }
  })
}
