import { LikenessError } from '../../shared/errors'

/** Same person when d = ‖f(x1) − f(x2)‖² ≤ τ. */
export function isSamePerson(distance: number, tau: number): boolean {
  return distance <= tau
}

export function checkTau(tau: number): void {
  if (!(tau >= 0 && Number.isFinite(tau))) throw new LikenessError('BadRequest', `τ must be a finite distance ≥ 0, got ${tau}`)
}
