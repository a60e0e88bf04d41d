import { randomUUID } from 'node:crypto'
import type { CheckIn, FrameResult } from '../../shared/api/checkin'
import type { Store } from '../store'
import type { Faces } from './faces'
import type { ServiceContext } from './context'
import type { Handlers } from './handlers'
import { CheckInDebounce, type DebounceRule } from './checkInDebounce'
import { csvField } from '../../shared/csv'

/** Sessions kept at once: camera views open in windows; the oldest is dropped beyond this. */
const maxSessions = 8
const minute = 60_000

/**
 * The front desk's use case: frames in, check-ins out. Debounce state is per session (a camera
 * view); the interval is per person across sessions and, with a shared gallery, across desks:
 * the log decides it as it writes, so a restart does not check everyone in again.
 */
class CheckIns {
  private readonly sessions = new Map<string, CheckInDebounce>()
  /** Check-ins decided but possibly not yet written: two frames in flight must not both log one. */
  private readonly pending = new Map<string, number>()

  constructor(
    private readonly faces: Faces,
    private readonly store: Store,
    private readonly rule?: DebounceRule
  ) {}

  async frame(image: Uint8Array, session: string, at = Date.now()): Promise<FrameResult> {
    const { analyzed, ...identification } = await this.faces.identify(image, 1, 'interactive')
    const recognised = identification.faces.flatMap((face, i) => (face.personId === null ? [] : [{ face, thumbnail: analyzed.faces[i]?.thumbnail }]))
    const steady = new Set(this.debounce(session).observe(recognised.map((r) => r.face.personId!), at))
    const due = recognised.filter((r) => steady.has(r.face.personId!) && !this.inFlight(r.face.personId!, at))
    // The closest face wins when one person appears twice in a frame (a photo held up beside them).
    const best = new Map<string, (typeof due)[number]>()
    for (const r of due) if ((best.get(r.face.personId!)?.face.distance ?? Infinity) > r.face.distance!) best.set(r.face.personId!, r)
    for (const personId of best.keys()) this.pending.set(personId, at)
    try {
      const rule = { interval: this.store.settings.get().checkInIntervalMinutes * minute }
      const logged = await Promise.all(
        [...best.values()].map((r) => this.store.checkIns.add({ id: randomUUID(), personId: r.face.personId!, personName: r.face.name!, at, distance: r.face.distance!, thumbnail: r.thumbnail }, rule))
      )
      return { ...identification, checkedIn: logged.filter((c) => c !== null) }
    } finally {
      for (const personId of best.keys()) this.pending.delete(personId)
    }
  }

  log(from = 0, to = Number.MAX_SAFE_INTEGER): Promise<CheckIn[]> {
    return this.store.checkIns.inSpan(from, to)
  }

  async csv(from?: number, to?: number): Promise<string> {
    const rows = (await this.log(from, to)).map((c) => [new Date(c.at).toISOString(), csvField(c.personName), c.distance.toFixed(4)].join(','))
    return ['time,person,distance', ...rows].join('\r\n') + '\r\n'
  }

  thumbnail(checkInId: string): Promise<Uint8Array> {
    return this.store.checkIns.thumbnail(checkInId)
  }

  private debounce(session: string): CheckInDebounce {
    let debounce = this.sessions.get(session)
    if (!debounce) {
      debounce = new CheckInDebounce(this.rule)
      this.sessions.set(session, debounce)
      if (this.sessions.size > maxSessions) this.sessions.delete(this.sessions.keys().next().value!)
    }
    return debounce
  }

  /** A check-in of this person decided by another frame and still being written. */
  private inFlight(personId: string, at: number): boolean {
    const interval = this.store.settings.get().checkInIntervalMinutes * minute
    const pending = this.pending.get(personId)
    return pending !== undefined && at - pending < Math.max(interval, 1)
  }
}

type CheckInMethods = 'checkin.frame' | 'checkin.log' | 'checkin.csv' | 'checkin.thumbnail'

export function checkinHandlers({ faces, store }: ServiceContext): Pick<Handlers, CheckInMethods> {
  const checkIns = new CheckIns(faces, store)
  return {
    'checkin.frame': ({ image, session }) => checkIns.frame(image, session),
    'checkin.log': ({ from, to }) => checkIns.log(from, to),
    'checkin.csv': ({ from, to }) => checkIns.csv(from, to),
    'checkin.thumbnail': ({ checkInId }) => checkIns.thumbnail(checkInId)
  }
}
