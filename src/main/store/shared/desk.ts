import type { DataKey } from '../crypto/dataKey'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { LikenessError } from '../../../shared/errors'
import type { SharedGalleryStatus } from '../../../shared/api/shared'
import { ChangeFeed, type GalleryStore } from '../galleryStore'
import type { SettingsStore } from '../settings'
import { stockEncoder } from '../schema'
import { readUpdate } from './changeLog'
import { KeptGalleryKey, openGalleryKey, type OpenedGalleryKey } from './galleryKey'
import type { SealedColumns } from './sealedColumns'
import { CheckInQueue } from './checkInQueue'
import { SharedCheckIns } from './checkIns'
import { SharedGallery } from './gallery'
import { Mirror, type Departed } from './mirror'
import { migrate } from './schema'
import { describeServer, isConnectionLoss, offline, SharedServer } from './server'
import { SharedSettings } from './settings'

export type DeskStatus = Pick<SharedGalleryStatus, 'online' | 'queued' | 'problem'> & { server: string }

export interface DeskOptions {
  /** A PostgreSQL connection string, password included when there is one. */
  connection: string
  /** Where this desk keeps its mirror and its queue (in its data folder). */
  folder: string
  /** The desk's own gallery (its training lab's embedding files) and settings (detector, camera). */
  localGallery: GalleryStore
  localSettings: SettingsStore
  /** The desk's own tables that point into the gallery drop what left it (another desk may have forgotten someone). */
  cascade(departed: Departed): Promise<void>
  /** What the mirror and the queued check-ins' pictures are sealed under on the desk's disk. */
  dataKey: DataKey
  /** Fail at once when the server cannot be reached (connecting for the first time) instead of starting from the mirror. */
  requireServer?: boolean
  /**
   * The gallery passphrase an admin typed: it opens the gallery key the first time this desk joins
   * (or seals a gallery that is not sealed yet). Later the desk opens with the key it kept.
   */
  galleryPassphrase?: string
}

/** How the mirror has caught up since the desk opened: full rebuilds, and change records applied after a cursor. */
export interface SyncCounts {
  full: number
  changes: number
}

/**
 * The mirror goes to disk soon after the desk first has it, then at most this often (and when
 * the desk closes): writing it holds the main thread in proportion to the gallery (measured:
 * 0.2–0.5 s for 20 000 templates on a busy 2-core machine), and a copy some changes behind only
 * means a few more changes to read at the next start.
 */
const firstSave = 1000
const saveEvery = 5 * 60_000

/**
 * This desk's place in a shared gallery: the server connection, the mirror of the templates, the
 * queue of check-ins, and the gallery, log and settings built on them. Opens from its saved mirror
 * and catches up from the change log whenever the server announces a change or comes back.
 */
export class SharedDesk {
  readonly gallery: SharedGallery
  readonly checkIns: SharedCheckIns
  readonly settings: SharedSettings
  readonly status = new ChangeFeed<DeskStatus>()
  readonly synced: SyncCounts = { full: 0, changes: 0 }
  private problem: string | null = null
  /** The gallery key, once the server's gallery has been opened with it in this process: until then nothing biometric is written or read there. */
  private galleryKey: OpenedGalleryKey | null = null
  private passphrase: string | undefined
  private catchingUp: Promise<void> | null = null
  private closed = false
  private running: Promise<void> | null = null
  private next: Promise<void> | null = null
  private saveTimer: NodeJS.Timeout | null = null
  private lastSave: number | null = null
  private saving: Promise<void> = Promise.resolve()

  private constructor(
    private readonly options: DeskOptions,
    private readonly server: SharedServer,
    private readonly mirror: Mirror,
    private readonly queue: CheckInQueue,
    private readonly keptKey: KeptGalleryKey
  ) {
    this.passphrase = options.galleryPassphrase
    const sync = (): Promise<void> => this.sync()
    const columns = (): SealedColumns => this.columns()
    this.gallery = new SharedGallery(server, mirror, options.localGallery, sync, columns)
    this.checkIns = new SharedCheckIns(server, queue, () => mirror.galleryId, options.folder, () => this.emitStatus(), columns)
    this.settings = new SharedSettings(server, mirror, options.localSettings, sync)
    server.notified.follow(() => void this.sync().catch((error: unknown) => this.noteProblem(error)))
    server.status.follow(({ online }) => {
      this.emitStatus()
      if (online) void this.caughtUp().catch((error: unknown) => this.noteProblem(error))
    })
  }

  static async open(options: DeskOptions): Promise<SharedDesk> {
    await mkdir(options.folder, { recursive: true })
    const mirror = await Mirror.load(path.join(options.folder, 'mirror.lkmr'), options.dataKey)
    const queue = await CheckInQueue.open(path.join(options.folder, 'checkin-queue.jsonl'), options.dataKey)
    const keptKey = new KeptGalleryKey(path.join(options.folder, 'gallery-key.lks'), options.dataKey)
    const desk = new SharedDesk(options, new SharedServer(options.connection), mirror, queue, keptKey)
    try {
      if (await desk.server.connect()) await desk.caughtUp()
      else if (options.requireServer) throw offline(desk.server.problem)
    } catch (error) {
      if (options.requireServer || !isConnectionLoss(error)) {
        await desk.close()
        throw error
      }
    }
    return desk
  }

  get online(): boolean {
    return this.server.online
  }

  currentStatus(): DeskStatus {
    return {
      online: this.server.online,
      queued: this.checkIns.queued,
      problem: this.server.problem ?? this.checkIns.problem ?? this.problem,
      server: describeServer(this.options.connection)
    }
  }

  /**
   * The biometric columns under the gallery key. Before the desk has opened the key this process
   * (it is offline, or still catching up), writes wait as they do offline: a check-in is queued.
   */
  private columns(): SealedColumns {
    if (!this.galleryKey) throw offline(this.server.problem ?? 'the gallery key is not open yet')
    return this.galleryKey.columns
  }

  /** What the gallery's key was opened with when this desk joined: how many values it sealed, if it set the passphrase. */
  get sealedNow(): number {
    return this.galleryKey?.sealedNow ?? 0
  }

  /** The desk leaves the gallery for good: it forgets the key it kept, and joining again asks for the passphrase. */
  async forgetGalleryKey(): Promise<void> {
    await this.keptKey.remove()
  }

  /** Back online (or first there): the schema, the gallery key, the mirror, then the queue. One at a time: opening and the reconnection both ask. */
  private caughtUp(): Promise<void> {
    this.catchingUp ??= this.catchUp().finally(() => (this.catchingUp = null))
    return this.catchingUp
  }

  private async catchUp(): Promise<void> {
    // At every reconnection, not once: a database replaced meanwhile starts without the schema. An
    // up-to-date one costs a transaction that reads the version.
    await this.server.withClient(migrate)
    // At every reconnection too: the database may have been replaced meanwhile (another gallery, or
    // one not sealed), and values sealed under this key there would open at no other desk.
    let opened: OpenedGalleryKey
    try {
      opened = await openGalleryKey(this.server, this.galleryKey ?? (await this.keptKey.read()), this.passphrase)
    } catch (error) {
      if (!isConnectionLoss(error)) this.galleryKey = null
      throw error
    }
    if (opened.fromPassphrase) await this.keptKey.write(opened)
    if (opened.fromPassphrase || !this.galleryKey) this.galleryKey = opened
    // Kept (sealed under the data key) from now on; the passphrase itself is not.
    this.passphrase = undefined
    await this.sync()
    this.problem = null
    void this.checkIns.flush()
  }

  /**
   * Catches the mirror up with the server. A call made while a catch-up runs gets the next one,
   * which begins after it: whatever was committed before the call is in the mirror when it resolves.
   */
  sync(): Promise<void> {
    if (this.next) return this.next
    if (!this.running) {
      this.running = this.syncOnce().finally(() => (this.running = null))
      return this.running
    }
    this.next = this.running
      .catch(() => undefined)
      .then(() => {
        this.next = null
        return this.sync()
      })
    return this.next
  }

  private async syncOnce(): Promise<void> {
    if (this.closed || !this.server.online) return
    const update = await this.server.transaction((client) => readUpdate(client, this.mirror.galleryId, this.mirror.cursor, this.columns()), 'REPEATABLE READ')
    if (update.header.encoder !== stockEncoder) {
      throw new LikenessError('Unsupported', `The shared gallery's templates come from another face encoder (${update.header.encoder}) than this Likeness computes.`)
    }
    const departed = this.mirror.apply(update)
    if (update.kind === 'full') this.synced.full++
    else this.synced.changes += update.count
    if (departed.wiped || departed.people.length > 0 || departed.photos.length > 0) await this.options.cascade(departed)
    if (update.kind === 'full' || update.count > 0) this.saveSoon()
  }

  private saveSoon(): void {
    if (this.saveTimer) return
    const delay = this.lastSave === null ? firstSave : Math.max(firstSave, this.lastSave + saveEvery - performance.now())
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null
      void this.save()
    }, delay)
    this.saveTimer.unref()
  }

  private save(): Promise<void> {
    this.lastSave = performance.now()
    this.saving = this.saving.then(() => this.mirror.save(path.join(this.options.folder, 'mirror.lkmr'), this.options.dataKey)).catch((error: unknown) => this.noteProblem(error))
    return this.saving
  }

  private noteProblem(error: unknown): void {
    if (isConnectionLoss(error)) return
    this.problem = error instanceof Error ? error.message : String(error)
    this.emitStatus()
  }

  private emitStatus(): void {
    if (!this.closed) this.status.emit(this.currentStatus())
  }

  /** Sends what is queued now, if the server answers; resolves when the queue is empty or the server is away. */
  flush(): Promise<void> {
    return this.checkIns.flush()
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.saveTimer) clearTimeout(this.saveTimer)
    await this.server.close()
    await this.checkIns.flush()
    await this.queue.close()
    await this.running?.catch(() => undefined)
    await this.save()
  }
}
