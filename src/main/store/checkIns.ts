import { LikenessError } from '../../shared/errors'
import type { Database } from './db'
import type { StoreFiles } from './files'
import type { GalleryDependent } from './cascade'
import type { CheckInRecord, DbData } from './schema'

const thumbnailFile = (checkInId: string): string => `checkins/${checkInId}.jpg`

/** The attendance log: the one writer of db.checkIns and of the pictures kept with them. */
export class CheckInLog implements GalleryDependent {
  constructor(
    private readonly db: Database,
    private readonly files: StoreFiles
  ) {}

  /** Check-ins in [from, to), newest first. */
  inSpan(from: number, to: number): CheckInRecord[] {
    return this.db.data.checkIns.filter((c) => c.at >= from && c.at < to).sort((a, b) => b.at - a.at)
  }

  /** Whether the person has a check-in in (at − interval, at]. */
  checkedInWithin(personId: string, at: number, interval: number): boolean {
    return this.db.data.checkIns.some((c) => c.personId === personId && at - c.at < interval && at >= c.at)
  }

  /** Writes the picture, then the row that makes it count: a failure leaves neither. */
  async add(checkIn: Omit<CheckInRecord, 'thumbnail'>, thumbnail?: Uint8Array): Promise<CheckInRecord> {
    const file = thumbnail ? thumbnailFile(checkIn.id) : null
    if (file) await this.files.write(file, thumbnail!)
    const record: CheckInRecord = { ...checkIn, thumbnail: file }
    try {
      await this.db.update((draft) => {
        draft.checkIns.push(record)
      })
    } catch (error) {
      if (file) await this.files.remove([file])
      throw error
    }
    return record
  }

  thumbnail(checkInId: string): Promise<Uint8Array> {
    const record = this.db.data.checkIns.find((c) => c.id === checkInId)
    if (!record?.thumbnail) throw new LikenessError('NotFound', 'That check-in has no picture.', { checkInId })
    return this.files.read(record.thumbnail)
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
