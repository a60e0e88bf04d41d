import { open, readFile, truncate, type FileHandle } from 'node:fs/promises'
import { z } from 'zod'
import { writeFileAtomic } from '../atomicWrite'
import { isSealed, type DataKey } from '../crypto/dataKey'
import type { CheckInRule, NewCheckIn } from '../checkInStore'
import { livenessEvidenceSchema } from '../schema'

/** A check-in waiting for the server, with the rule it was decided under and the gallery it belongs to. */
export interface QueuedCheckIn {
  galleryId: string
  checkIn: NewCheckIn
  rule: CheckInRule
}

const line = z.union([
  z.object({
    add: z.object({
      galleryId: z.string(),
      checkIn: z.object({ id: z.string(), personId: z.string(), personName: z.string(), at: z.number(), distance: z.number(), thumbnail: z.string().optional(), liveness: livenessEvidenceSchema.nullable().default(null) }),
      rule: z.object({ interval: z.number() })
    })
  }),
  z.object({ sent: z.string() })
])

const pictureContext = (checkInId: string): string => `shared/checkin-queue:${checkInId}`

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')

/**
 * Check-ins made while the server could not be reached, on the desk's own disk: a journal of
 * JSON lines, "add" when a check-in is queued and "sent" once the server has it, each line
 * fsynced before the call returns. A desk killed at any moment loses nothing it reported as
 * queued: a line cut short by the kill is dropped on the next start (it was never reported), and a
 * check-in sent but not yet marked is sent again and recognised by its id. Once everything is
 * sent the journal starts afresh. A check-in's face picture is sealed under the data key; the
 * rest (ids, a name, a time, a distance) is no biometric.
 */
export class CheckInQueue {
  private handle: FileHandle | null = null
  private writes: Promise<unknown> = Promise.resolve()

  private constructor(
    private readonly file: string,
    private readonly waiting: Map<string, QueuedCheckIn>,
    private readonly key: DataKey
  ) {}

  static async open(file: string, key: DataKey): Promise<CheckInQueue> {
    let text = ''
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    const waiting = new Map<string, QueuedCheckIn>()
    let kept = 0
    for (const raw of text.split('\n')) {
      const end = kept + Buffer.byteLength(raw) + 1
      // The last piece has no newline: a complete journal ends with one, so it is a write the kill cut short.
      if (end > Buffer.byteLength(text)) break
      const parsed = line.safeParse(safeJson(raw))
      if (parsed.success) {
        if ('add' in parsed.data) {
          const { checkIn, ...rest } = parsed.data.add
          const picture = checkIn.thumbnail === undefined ? undefined : new Uint8Array(Buffer.from(checkIn.thumbnail, 'base64'))
          // A journal written before pictures were sealed holds the JPEG itself.
          const thumbnail = picture && isSealed(picture) ? key.open(picture, pictureContext(checkIn.id)) : picture
          waiting.set(checkIn.id, { ...rest, checkIn: { ...checkIn, thumbnail } })
        } else {
          waiting.delete(parsed.data.sent)
        }
      }
      kept = end
    }
    if (kept < Buffer.byteLength(text)) await truncate(file, kept)
    return new CheckInQueue(file, waiting, key)
  }

  get size(): number {
    return this.waiting.size
  }

  /** Queued check-ins, oldest first: they are sent in the order they were made. */
  entries(): QueuedCheckIn[] {
    return [...this.waiting.values()]
  }

  /** Queues a check-in; resolves once it is on disk. */
  async push(entry: QueuedCheckIn): Promise<void> {
    const { thumbnail, ...checkIn } = entry.checkIn
    this.waiting.set(checkIn.id, entry)
    try {
      await this.append({ add: { ...entry, checkIn: { ...checkIn, thumbnail: thumbnail && base64(this.key.seal(thumbnail, pictureContext(checkIn.id))), liveness: checkIn.liveness ?? null } } })
    } catch (error) {
      this.waiting.delete(checkIn.id)
      throw error
    }
  }

  /** Marks a check-in as on the server; resolves once that is on disk. */
  async sent(checkInId: string): Promise<void> {
    if (!this.waiting.delete(checkInId)) return
    await this.append({ sent: checkInId })
    if (this.waiting.size === 0) await this.restart()
  }

  private append(entry: z.infer<typeof line>): Promise<void> {
    const write = this.writes.then(async () => {
      this.handle ??= await open(this.file, 'a')
      await this.handle.appendFile(JSON.stringify(entry) + '\n')
      await this.handle.sync()
    })
    this.writes = write.catch(() => undefined)
    return write
  }

  /** Nothing waits: an empty journal replaces the old one (unless something was queued meanwhile). */
  private restart(): Promise<void> {
    const write = this.writes.then(async () => {
      if (this.waiting.size > 0) return
      await this.handle?.close()
      this.handle = null
      await writeFileAtomic(this.file, '')
    })
    this.writes = write.catch(() => undefined)
    return write
  }

  async close(): Promise<void> {
    await this.writes
    await this.handle?.close()
    this.handle = null
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}
