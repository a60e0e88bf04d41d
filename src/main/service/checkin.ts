import { randomUUID } from 'node:crypto'
import { LikenessError } from '../../shared/errors'
import type { CheckIn, FrameResult } from '../../shared/api/checkin'
import type { Database } from '../store/db'
import type { StoreFiles } from '../store/files'
import type { CheckInRecord } from '../store/schema'
import type { Faces } from './faces'
import type { ServiceContext } from './context'
import type { Handlers } from './handlers'
import { CheckInDebounce, type DebounceRule } from './checkInDebounce'

/** Sessions kept at once: camera views open in windows; the oldest is dropped beyond this. */
const maxSessions = 8
const minute = 60_000

const thumbnailFile = (checkInId: string): string => `checkins/${checkInId}.jpg`

/**
 * The front desk's use case: frames in, check-ins out. Debounce state is per session (a camera
 * view); the interval is per person across sessions, read from the log itself so a restart
 * does not check everyone in again.
 */
export class CheckIns {
  private readonly sessions = new Map<string, CheckInDebounce>()
  /** Check-ins decided but possibly not yet written: two frames in flight must not both log one. */
  private readonly pending = new Map<string, number>()

  constructor(
    private readonly faces: Faces,
    private readonly db: Database,
    private readonly files: StoreFiles,
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
    return this.db.data.checkIns
      .filter((c) => c.at >= from && c.at < to)
      .sort((a, b) => b.at - a.at)
      .map(toCheckIn)
  }

  csv(from?: number, to?: number): string {
    const rows = this.log(from, to).map((c) => [new Date(c.at).toISOString(), csvField(c.personName), c.distance.toFixed(4)].join(','))
    return ['time,person,distance', ...rows].join('\r\n') + '\r\n'
  }

  thumbnail(checkInId: string): Promise<Uint8Array> {
    const record = this.db.data.checkIns.find((c) => c.id === checkInId)
    if (!record?.thumbnail) throw new LikenessError('NotFound', 'That check-in has no picture.', { checkInId })
    return this.files.read(record.thumbnail)
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
    const interval = this.db.data.settings.checkInIntervalMinutes * minute
    const pending = this.pending.get(personId)
    if (pending !== undefined && at - pending < Math.max(interval, 1)) return false
    return !this.db.data.checkIns.some((c) => c.personId === personId && at - c.at < interval && at >= c.at)
  }

  private async record(personId: string, personName: string, distance: number, thumbnail: Uint8Array | undefined, at: number): Promise<CheckIn> {
    const id = randomUUID()
    const file = thumbnail ? thumbnailFile(id) : null
    if (file) await this.files.write(file, thumbnail!)
    const record: CheckInRecord = { id, personId, personName, at, distance, thumbnail: file }
    try {
      await this.db.update((draft) => {
        draft.checkIns.push(record)
      })
    } catch (error) {
      if (file) await this.files.remove([file])
      throw error
    }
    return toCheckIn(record)
  }
}

function toCheckIn(record: CheckInRecord): CheckIn {
  return { id: record.id, personId: record.personId, personName: record.personName, at: record.at, distance: record.distance, hasThumbnail: record.thumbnail !== null }
}

/** RFC 4180: quote a field holding a comma, quote or line break; double the quotes. A leading =, +, - or @ is defused so a spreadsheet does not run it. */
function csvField(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

type CheckInMethods = 'checkin.frame' | 'checkin.log' | 'checkin.csv' | 'checkin.thumbnail'

export function checkinHandlers({ faces, db, files }: ServiceContext): Pick<Handlers, CheckInMethods> {
  const checkIns = new CheckIns(faces, db, files)
  return {
    'checkin.frame': ({ image, session }) => checkIns.frame(image, session),
    'checkin.log': async ({ from, to }) => checkIns.log(from, to),
    'checkin.csv': async ({ from, to }) => checkIns.csv(from, to),
    'checkin.thumbnail': ({ checkInId }) => checkIns.thumbnail(checkInId)
  }
}
