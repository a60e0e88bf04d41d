import { appendFile } from 'node:fs/promises'
import path from 'node:path'
import os from 'node:os'
import type { z } from 'zod'
import { LikenessError } from '../../../shared/errors'
import type { CheckIn } from '../../../shared/api/checkin'
import { tooClose, type CheckInRule, type CheckInStore, type NewCheckIn, type StoredCheckIn } from '../checkInStore'
import type { CheckInQueue, QueuedCheckIn } from './checkInQueue'
import { epochMs } from './changeLog'
import type { SealedColumns } from './sealedColumns'
import { livenessEvidenceSchema } from '../schema'
import { isConnectionLoss, offline, type SharedServer } from './server'

/** The longest interval the settings allow: what this desk remembers of its own check-ins is older than nothing that matters. */
const longestInterval = 24 * 60 * 60_000

type Outcome = 'added' | 'already' | 'refused'

function toCheckIn({ thumbnail, liveness, ...checkIn }: NewCheckIn): CheckIn {
  return { ...checkIn, hasThumbnail: thumbnail !== undefined, liveness: liveness ?? null }
}

interface CheckInRow {
  id: string
  person_id: string
  person_name: string
  at: number
  distance: number
  /** jsonb: pg hands it over parsed; check-ins logged before a field was kept lack it. */
  liveness: z.input<typeof livenessEvidenceSchema> | null
}

function fromRow(r: CheckInRow): Omit<CheckIn, 'hasThumbnail'> {
  return { id: r.id, personId: r.person_id, personName: r.person_name, at: r.at, distance: r.distance, liveness: r.liveness && livenessEvidenceSchema.parse(r.liveness) }
}

/**
 * The shared attendance log. Online, each check-in is decided and written by the server in one
 * transaction (likeness.check_in: the person's lock, the id, the interval either side). Offline —
 * or while older check-ins still wait — it goes to the desk's queue, decided meanwhile by what this
 * desk knows, and the server decides again when the queue is sent: nothing is lost, and an id the
 * server has already is not logged twice.
 */
export class SharedCheckIns implements CheckInStore {
  /** This desk's own recent check-ins by person: all it can go by while the server is away. */
  private readonly recent = new Map<string, number[]>()
  private flushing: Promise<void> | null = null
  /** Why the last flush stopped, when the server refused a check-in for a reason other than being away. */
  problem: string | null = null

  constructor(
    private readonly server: SharedServer,
    private readonly queue: CheckInQueue,
    private readonly galleryId: () => string | null,
    private readonly folder: string,
    private readonly queueChanged: () => void,
    /** Check-in pictures go to the server sealed under the gallery key. */
    private readonly columns: () => SealedColumns,
    private readonly desk = os.hostname()
  ) {}

  get queued(): number {
    return this.queue.size
  }

  async add(checkIn: NewCheckIn, rule: CheckInRule): Promise<CheckIn | null> {
    // Waiting check-ins go first: sending a newer one past them would let it win the interval rule.
    if (this.server.online && this.queue.size === 0) {
      try {
        if ((await this.send(checkIn, rule)) === 'refused') return null
        this.remember(checkIn)
        return toCheckIn(checkIn)
      } catch (error) {
        // Lost on the way, perhaps after the server wrote it: queued under the same id, it is logged once either way.
        if (!isConnectionLoss(error)) throw error
      }
    }
    if (this.recent.get(checkIn.personId)?.some((at) => tooClose(at, checkIn.at, rule))) return null
    const galleryId = this.galleryId()
    if (!galleryId) throw offline(this.server.problem)
    await this.queue.push({ galleryId, checkIn, rule })
    this.remember(checkIn)
    this.queueChanged()
    void this.flush()
    return toCheckIn(checkIn)
  }

  async inSpan(from: number, to: number): Promise<CheckIn[]> {
    return this.select('WHERE at >= to_timestamp($1::float8 / 1000) AND at < to_timestamp($2::float8 / 1000) ORDER BY at DESC, id', [from, Math.min(to, 8.64e15)])
  }

  async ofPerson(personId: string): Promise<CheckIn[]> {
    return this.select('WHERE person_id = $1 ORDER BY at, id', [personId])
  }

  /** Retention on the server: whichever desk runs it first deletes for all (a check-in's picture is in its row). */
  async removeBefore(cutoff: number): Promise<number> {
    const rows = await this.server.query<{ id: string }>('DELETE FROM likeness.check_ins WHERE at < to_timestamp($1::float8 / 1000) RETURNING id', [cutoff])
    return rows.length
  }

  private async select(where: string, values: unknown[]): Promise<CheckIn[]> {
    const rows = await this.server.query<CheckInRow & { has_thumbnail: boolean }>(
      `SELECT id, person_id, person_name, ${epochMs('at')} AS at, distance, liveness, thumbnail IS NOT NULL AS has_thumbnail FROM likeness.check_ins ${where}`,
      values
    )
    return rows.map((r) => ({ ...fromRow(r), hasThumbnail: r.has_thumbnail }))
  }

  async thumbnail(checkInId: string): Promise<Uint8Array> {
    const columns = this.columns()
    const [row] = await this.server.query<{ thumbnail: Buffer | null }>('SELECT thumbnail FROM likeness.check_ins WHERE id = $1', [checkInId])
    if (!row?.thumbnail) throw new LikenessError('NotFound', 'That check-in has no picture.', { checkInId })
    return columns.open('check_ins.thumbnail', checkInId, row.thumbnail)
  }

  /** Sends the queue, oldest first, while the server answers; one flush at a time. Never rejects: a problem is kept in `problem`. */
  flush(): Promise<void> {
    this.flushing ??= this.drain()
      .then(
        () => {
          this.problem = null
        },
        (error: unknown) => {
          this.problem = `A queued check-in could not be sent: ${(error as Error).message}`
        }
      )
      .finally(() => {
        this.flushing = null
        this.queueChanged()
      })
    return this.flushing
  }

  private async drain(): Promise<void> {
    while (this.queue.size > 0 && this.server.online) {
      for (const entry of this.queue.entries()) {
        if (!this.server.online) return
        if (entry.galleryId !== this.galleryId()) {
          await this.setAside(entry)
        } else {
          try {
            await this.send(entry.checkIn, entry.rule)
          } catch (error) {
            if (isConnectionLoss(error)) return
            throw error
          }
        }
        await this.queue.sent(entry.checkIn.id)
        this.queueChanged()
      }
    }
  }

  /** Queued for a gallery this desk no longer uses (the database was replaced): kept beside the queue, never sent to the wrong one. */
  private async setAside(entry: QueuedCheckIn): Promise<void> {
    const { thumbnail: _, ...checkIn } = entry.checkIn
    await appendFile(path.join(this.folder, `unsent-${entry.galleryId}.jsonl`), JSON.stringify({ ...entry, checkIn }) + '\n')
  }

  private async send({ id, personId, personName, at, distance, thumbnail, liveness }: NewCheckIn, rule: CheckInRule): Promise<Outcome> {
    const sealed = thumbnail ? this.columns().seal('check_ins.thumbnail', id, thumbnail) : null
    const [row] = await this.server.query<{ outcome: Outcome }>('SELECT likeness.check_in($1, $2, $3, $4, $5, $6, $7, $8, $9) AS outcome', [
      id,
      personId,
      personName,
      at,
      distance,
      this.desk,
      sealed,
      rule.interval,
      liveness ? JSON.stringify(liveness) : null
    ])
    return row!.outcome
  }

  private remember({ personId, at }: NewCheckIn): void {
    const kept = (this.recent.get(personId) ?? []).filter((t) => Math.abs(t - at) < longestInterval)
    this.recent.set(personId, [...kept, at])
  }

  /** The whole log with its pictures: what moving the shared gallery to a desk carries. */
  async everything(): Promise<StoredCheckIn[]> {
    const columns = this.columns()
    const rows = await this.server.query<CheckInRow & { thumbnail: Buffer | null }>(
      `SELECT id, person_id, person_name, ${epochMs('at')} AS at, distance, liveness, thumbnail FROM likeness.check_ins ORDER BY at, id`
    )
    return rows.map((r) => ({
      ...fromRow(r),
      hasThumbnail: r.thumbnail !== null,
      thumbnail: r.thumbnail ? columns.open('check_ins.thumbnail', r.id, r.thumbnail) : undefined
    }))
  }

  /** Adds another log's check-ins (a desk's local gallery moving in) as they were: history is not re-decided; ids already here are skipped. */
  async receive(checkIns: readonly StoredCheckIn[]): Promise<number> {
    const columns = this.columns()
    return this.server.transaction(async (client) => {
      let added = 0
      for (const c of checkIns) {
        const result = await client.query(
          `INSERT INTO likeness.check_ins (id, person_id, person_name, at, distance, desk, thumbnail, liveness)
           VALUES ($1, $2, $3, to_timestamp($4::float8 / 1000), $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
          [c.id, c.personId, c.personName, c.at, c.distance, this.desk, c.thumbnail ? columns.seal('check_ins.thumbnail', c.id, c.thumbnail) : null, c.liveness ? JSON.stringify(c.liveness) : null]
        )
        added += result.rowCount ?? 0
      }
      return added
    })
  }
}
