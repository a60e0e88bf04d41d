import type { CheckIn, CheckInLiveness } from '../../shared/api/checkin'

/** A check-in the service decided on; `id` is its idempotency key: the same id twice logs it once. */
export interface NewCheckIn {
  id: string
  personId: string
  personName: string
  /** ms since the epoch. */
  at: number
  distance: number
  /** The face as JPEG, kept with the check-in until the person is forgotten. */
  thumbnail?: Uint8Array
  /** The liveness evidence it was let in on; none when the caller had none to give (a gallery file, a test). */
  liveness?: CheckInLiveness | null
}

/** The interval rule as the store holds it: no two check-ins of one person less than `interval` ms apart. */
export interface CheckInRule {
  interval: number
}

/** A logged check-in with its picture: what moving a gallery carries. */
export interface StoredCheckIn extends CheckIn {
  thumbnail?: Uint8Array
}

/**
 * The attendance log. Two implementations: the embedded one in the data folder (checkIns.ts) and
 * the shared server's (shared/checkIns.ts), which queues on the desk's disk while the server
 * cannot be reached. `add` decides the interval rule and writes in one step, so two frames, or two
 * desks, seeing one person at once log one check-in.
 */
export interface CheckInStore {
  /** Logs the check-in, or answers null when the person already has one within the rule's interval of it. */
  add(checkIn: NewCheckIn, rule: CheckInRule): Promise<CheckIn | null>
  /** Check-ins in [from, to), newest first. */
  inSpan(from: number, to: number): Promise<CheckIn[]>
  thumbnail(checkInId: string): Promise<Uint8Array>
  /** The check-ins of one person, oldest first: what an access request shows them. */
  ofPerson(personId: string): Promise<CheckIn[]>
  /** Deletes the check-ins before `cutoff` (ms since the epoch) and their pictures; returns how many went. */
  removeBefore(cutoff: number): Promise<number>
}

/** Whether check-ins at `a` and `b` are closer than the rule allows (either order: a desk that was offline sends late). */
export function tooClose(a: number, b: number, rule: CheckInRule): boolean {
  return Math.abs(a - b) < rule.interval
}
