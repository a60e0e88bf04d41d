import { LikenessError } from '../../shared/errors'
import type { CheckIn } from '../../shared/api/checkin'
import type { Database } from './db'
import type { StoreFiles } from './files'
import type { GalleryDependent } from './cascade'
import type { CheckInRecord, DbData } from './schema'
import { tooClose, type CheckInRule, type CheckInStore, type NewCheckIn, type StoredCheckIn } from './checkInStore'

const thumbnailFile = (checkInId: string): string => `checkins/${checkInId}.jpg`

function toCheckIn(record: CheckInRecord): CheckIn {
  const { id, personId, personName, at, distance, liveness } = record
  return { id, personId, personName, at, distance, hasThumbnail: record.thumbnail !== null, liveness }
}

/** Schema 1 → 2: the log keeps the liveness evidence of each check-in; older ones have none. */
export function checkInsWithLiveness(data: Record<string, unknown>): Record<string, unknown> {
  const checkIns = Array.isArray(data.checkIns) ? (data.checkIns as Record<string, unknown>[]) : []
  return { ...data, schemaVersion: 2, checkIns: checkIns.map((c) => ({ liveness: null, ...c })) }
}

/** The embedded attendance log: the one writer of db.checkIns and of the pictures kept with them. */
export class LocalCheckInLog implements CheckInStore, GalleryDependent {
  constructor(
    private readonly db: Database,
    private readonly files: StoreFiles
  ) {}

  async inSpan(from: number, to: number): Promise<CheckIn[]> {
    return this.db.data.checkIns
      .filter((c) => c.at >= from && c.at < to)
      .sort((a, b) => b.at - a.at)
      .map(toCheckIn)
  }

  /** Writes the picture, then the row that makes it count, deciding the rule in the same write: a refusal or failure leaves neither. */
  async add({ thumbnail, ...checkIn }: NewCheckIn, rule: CheckInRule): Promise<CheckIn | null> {
    const file = thumbnail ? thumbnailFile(checkIn.id) : null
    if (file) await this.files.write(file, thumbnail!)
    let logged: CheckInRecord | null
    try {
      logged = await this.db.update((draft) => {
        const same = draft.checkIns.find((c) => c.id === checkIn.id)
        if (same) return same
        if (draft.checkIns.some((c) => c.personId === checkIn.personId && tooClose(c.at, checkIn.at, rule))) return null
        const record: CheckInRecord = { ...checkIn, thumbnail: file, liveness: checkIn.liveness ?? null }
        draft.checkIns.push(record)
        return record
      })
    } catch (error) {
      if (file) await this.files.remove([file])
      throw error
    }
    if (file && logged?.thumbnail !== file) await this.files.remove([file])
    return logged && toCheckIn(logged)
  }

  /** Deletes the check-ins before `cutoff` (ms since the epoch) and their pictures; returns how many went. */
  async removeBefore(cutoff: number): Promise<number> {
    if (!this.db.data.checkIns.some((c) => c.at < cutoff)) return 0
    const doomed = await this.db.update((draft) => {
      const gone = draft.checkIns.filter((c) => c.at < cutoff)
      draft.checkIns = draft.checkIns.filter((c) => c.at >= cutoff)
      return gone
    })
    await this.files.remove(doomed.flatMap((c) => (c.thumbnail ? [c.thumbnail] : [])))
    return doomed.length
  }

  /** The check-ins of one person, oldest first: what an access request shows them. */
  async ofPerson(personId: string): Promise<CheckIn[]> {
    return this.db.data.checkIns
      .filter((c) => c.personId === personId)
      .sort((a, b) => a.at - b.at)
      .map(toCheckIn)
  }

  async thumbnail(checkInId: string): Promise<Uint8Array> {
    const record = this.db.data.checkIns.find((c) => c.id === checkInId)
    if (!record?.thumbnail) throw new LikenessError('NotFound', 'That check-in has no picture.', { checkInId })
    return this.files.read(record.thumbnail)
  }

  /** The whole log with its pictures: what moving the gallery to a shared server carries. */
  async everything(): Promise<StoredCheckIn[]> {
    return Promise.all(this.db.data.checkIns.map(async (record) => ({ ...toCheckIn(record), thumbnail: record.thumbnail ? await this.files.read(record.thumbnail) : undefined })))
  }

  /** Adds check-ins from another log (a shared gallery moving here); ids already here are skipped. */
  async receive(checkIns: readonly StoredCheckIn[]): Promise<number> {
    const known = new Set(this.db.data.checkIns.map((c) => c.id))
    const fresh = checkIns.filter((c) => !known.has(c.id))
    const written: string[] = []
    try {
      for (const c of fresh) {
        if (!c.thumbnail) continue
        await this.files.write(thumbnailFile(c.id), c.thumbnail)
        written.push(thumbnailFile(c.id))
      }
      await this.db.update((draft) => {
        for (const { thumbnail, hasThumbnail: _, ...c } of fresh) draft.checkIns.push({ ...c, thumbnail: thumbnail ? thumbnailFile(c.id) : null })
      })
    } catch (error) {
      await this.files.remove(written)
      throw error
    }
    return fresh.length
  }

  personRenamed(draft: DbData, personId: string, name: string): void {
    for (const checkIn of draft.checkIns) if (checkIn.personId === personId) checkIn.personName = name
  }

  /** The log keeps that they came (attendance is the office's record) but not their face. */
  personForgotten(draft: DbData, personId: string): string[] {
    const files: string[] = []
    for (const checkIn of draft.checkIns) {
      if (checkIn.personId !== personId || !checkIn.thumbnail) continue
      files.push(checkIn.thumbnail)
      checkIn.thumbnail = null
    }
    return files
  }

  galleryWiped(draft: DbData): string[] {
    const files = draft.checkIns.flatMap((c) => (c.thumbnail ? [c.thumbnail] : []))
    draft.checkIns = []
    return files
  }
}
