import { randomUUID } from 'node:crypto'
import type { CheckIn, FrameResult } from '../../shared/api/checkin'
import type { Store } from '../store'
import type { CheckInRecord } from '../store/schema'
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
 * view); the interval is per person across sessions, read from the log itself so a restart
 * does not check everyone in again.
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
    const due = recognised.filter((r) => steady.has(r.face.personId!) && this.intervalPassed(r.face.personId!, at))
    // The closest face wins when one person appears twice in a frame (a photo held up beside them).
    const best = new Map<string, (typeof due)[number]>()
    for (const r of due) if ((best.get(r.face.personId!)?.face.distance ?? Infinity) > r.face.distance!) best.set(r.face.personId!, r)
    for (const personId of best.keys()) this.pending.set(personId, at)
    try {
      const checkedIn = await Promise.all([...best.values()].map((r) => this.record(r.face.personId!, r.face.name!, r.face.distance!, r.thumbnail, at)))
      return { ...identification, checkedIn }
    } finally {
      for (const personId of best.keys()) this.pending.delete(personId)
    }
  }

  log(from = 0, to = Number.MAX_SAFE_INTEGER): CheckIn[] {
    return this.store.checkIns.inSpan(from, to).map(toCheckIn)
  }

  csv(from?: number, to?: number): string {
    const rows = this.log(from, to).map((c) => [new Date(c.at).toISOString(), csvField(c.personName), c.distance.toFixed(4)].join(','))
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

  private intervalPassed(personId: string, at: number): boolean {
    const interval = this.store.settings.get().checkInIntervalMinutes * minute
    const pending = this.pending.get(personId)
    if (pending !== undefined && at - pending < Math.max(interval, 1)) return false
    return !this.store.checkIns.checkedInWithin(personId, at, interval)
  }

  private async record(personId: string, personName: string, distance: number, thumbnail: Uint8Array | undefined, at: number): Promise<CheckIn> {
    return toCheckIn(await this.store.checkIns.add({ id: randomUUID(), personId, personName, at, distance }, thumbnail))
  }
}

function toCheckIn(record: CheckInRecord): CheckIn {
  return { id: record.id, personId: record.personId, personName: record.personName, at: record.at, distance: record.distance, hasThumbnail: record.thumbnail !== null }
}

type CheckInMethods = 'checkin.frame' | 'checkin.log' | 'checkin.csv' | 'checkin.thumbnail'

export function checkinHandlers({ faces, store }: ServiceContext): Pick<Handlers, CheckInMethods> {
  const checkIns = new CheckIns(faces, store)
  return {
    'checkin.frame': ({ image, session }) => checkIns.frame(image, session),
    'checkin.log': async ({ from, to }) => checkIns.log(from, to),
    'checkin.csv': async ({ from, to }) => checkIns.csv(from, to),
    'checkin.thumbnail': ({ checkInId }) => checkIns.thumbnail(checkInId)
  }
}
