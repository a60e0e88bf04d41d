import { LikenessError } from '../../shared/errors'
import type { SharedGalleryStatus } from '../../shared/api/shared'
import type { StoreNotice } from '../../shared/api/system'
import type { JobContext } from './jobs'
import type { Handlers } from './handlers'
import type { ServiceContext } from './context'
import type { Store } from '../store'
import type { SharedDesk } from '../store/shared/desk'
import { describeServer, offline } from '../store/shared/server'
import { stockEncoder } from '../store/schema'
import type { GalleryStore } from '../store/galleryStore'
import type { StoredCheckIn } from '../store/checkInStore'
import type { OsKeychain } from '../store/crypto/keyProviders'
import { mergeGallery } from './galleryMerge'

/** The connection string without its password, and the password. */
function splitPassword(url: string): { bare: string; password: string | undefined } {
  const parsed = new URL(url)
  const password = decodeURIComponent(parsed.password) || undefined
  parsed.password = ''
  return { bare: parsed.toString(), password }
}

function withPassword(url: string, password: string | undefined): string {
  if (password === undefined) return url
  const parsed = new URL(url)
  parsed.password = password
  return parsed.toString()
}

/**
 * Which gallery this desk uses — its own, or a shared one on a PostgreSQL server — and moving
 * between them. LIKENESS_DATABASE_URL (command line, browser mode, tests) overrides what Settings
 * saved; the desktop app keeps the password sealed by the OS keychain. The gallery passphrase is
 * asked once per desk (the request, or LIKENESS_GALLERY_PASSPHRASE with LIKENESS_DATABASE_URL):
 * the desk then keeps the gallery key itself, and the passphrase is never stored.
 */
export class SharedGalleryControl {
  private unfollow: () => void = () => undefined

  private constructor(
    private readonly store: Store,
    private readonly secrets: OsKeychain | undefined,
    private source: SharedGalleryStatus['source'],
    private readonly announce: (status: SharedGalleryStatus) => void,
    private readonly environmentUrl: string | undefined
  ) {
    this.watch()
  }

  /** Opens the shared gallery the environment or the settings name; a desk that cannot reach it starts from its mirror. */
  static async open(
    store: Store,
    options: { environmentUrl?: string; galleryPassphrase?: string; secrets?: OsKeychain; announce: (status: SharedGalleryStatus) => void }
  ): Promise<SharedGalleryControl> {
    const saved = store.sharedConnection.get()
    let source: SharedGalleryStatus['source'] = null
    let connection: string | undefined
    if (options.environmentUrl) {
      source = 'environment'
      connection = options.environmentUrl
    } else if (saved) {
      source = 'settings'
      connection = withPassword(saved.url, await unsealed(saved.sealedPassword, options.secrets, store.notices))
    }
    if (connection) {
      try {
        await store.use(await store.openShared(connection, { galleryPassphrase: source === 'environment' ? options.galleryPassphrase : undefined }))
      } catch (error) {
        source = null
        store.notices.push({ kind: 'shared-gallery', message: `The shared gallery could not be opened, so this desk uses its own gallery: ${(error as Error).message}` })
      }
    }
    return new SharedGalleryControl(store, options.secrets, source, options.announce, options.environmentUrl)
  }

  status(): SharedGalleryStatus {
    const desk = this.store.shared
    if (!desk) return { mode: 'local', server: null, source: null, online: false, queued: 0, problem: null }
    const { server, online, queued, problem } = desk.currentStatus()
    return { mode: 'shared', server, source: this.source, online, queued, problem }
  }

  /** Uses a shared gallery from now on; with `move`, this desk's gallery and log go to it and leave the desk. */
  async connect(
    { url, password, galleryPassphrase, move }: { url?: string; password?: string; galleryPassphrase?: string; move: boolean },
    { report }: JobContext
  ): Promise<SharedGalleryStatus> {
    let desk = this.store.shared
    if (url === undefined && !desk && this.environmentUrl) {
      // LIKENESS_DATABASE_URL's gallery did not open at start (its passphrase was missing or wrong): again, with the one given now.
      report({ done: 0, total: 2, message: `Connecting to ${describeServer(this.environmentUrl)}` })
      const next = await this.store.openShared(this.environmentUrl, { requireServer: true, galleryPassphrase })
      try {
        if (move) await this.moveIn(next, report)
      } catch (error) {
        await next.close()
        throw error
      }
      await this.store.use(next)
      this.source = 'environment'
      desk = next
    } else if (url !== undefined) {
      if (this.source === 'environment') throw new LikenessError('BadRequest', 'LIKENESS_DATABASE_URL chooses the shared gallery of this desk; change or unset it instead.')
      // One desk at a time on this data folder's mirror and queue.
      if (desk) throw new LikenessError('BadRequest', 'This desk already uses a shared gallery: go back to its own gallery first.')
      const { bare, password: inUrl } = splitPassword(url)
      const secret = password ?? inUrl
      if (secret !== undefined && !this.secrets) {
        throw new LikenessError('Unsupported', 'Here there is no OS keychain to keep the password (browser mode, command line): give it in LIKENESS_DATABASE_URL, PGPASSWORD or ~/.pgpass instead.')
      }
      report({ done: 0, total: 2, message: `Connecting to ${describeServer(bare)}` })
      const next = await this.store.openShared(withPassword(bare, secret), { requireServer: true, galleryPassphrase })
      try {
        if (move) await this.moveIn(next, report)
        await this.store.sharedConnection.set({ url: bare, sealedPassword: secret === undefined ? undefined : Buffer.from(await this.secrets!.encryptString(secret)).toString('base64') })
      } catch (error) {
        await next.close()
        throw error
      }
      await this.store.use(next)
      this.source = 'settings'
      desk = next
    } else {
      if (!desk) throw new LikenessError('BadRequest', 'Which server? Give a connection string (or set LIKENESS_DATABASE_URL).')
      if (move) await this.moveIn(desk, report)
    }
    // The gallery now lives on the server: the desk keeps no copy of its own (forgetting someone there must erase them everywhere).
    if (move) await this.store.local.gallery.wipe()
    this.watch()
    report({ done: 2, total: 2, message: 'Connected' })
    return this.status()
  }

  /** Back to the desk's own gallery; with `move`, a copy of the shared gallery and its log comes along (the server keeps them). */
  async disconnect({ move }: { move: boolean }, { report }: JobContext): Promise<SharedGalleryStatus> {
    const desk = this.store.shared
    if (!desk) return this.status()
    if (this.source === 'environment') throw new LikenessError('BadRequest', 'LIKENESS_DATABASE_URL chooses the shared gallery of this desk; unset it to use the desk’s own.')
    if (move) {
      if (!desk.online) throw offline(desk.currentStatus().problem)
      // Check-ins still queued here reach the server first, so they come along.
      await desk.flush()
      report({ done: 0, total: 2, message: 'Copying the shared gallery to this desk' })
      await copyGallery(desk.gallery, desk.checkIns.everything(), this.store.local.gallery, (checkIns) => this.store.local.checkIns.receive(checkIns))
    }
    await this.store.sharedConnection.set(null)
    // Leaving is for good: the desk forgets the gallery key, and joining again asks for the passphrase.
    await desk.forgetGalleryKey()
    await this.store.use(null)
    this.source = null
    this.watch()
    report({ done: 2, total: 2, message: 'This desk uses its own gallery' })
    return this.status()
  }

  private async moveIn(desk: SharedDesk, report: JobContext['report']): Promise<void> {
    const local = this.store.local
    if (local.gallery.embeddingId() !== stockEncoder) {
      throw new LikenessError('Unsupported', 'This desk’s gallery is in a trained encoder; a shared gallery keeps the stock one. Revert the kept models and re-encode before moving it.')
    }
    report({ done: 1, total: 2, message: 'Moving this desk’s gallery to the server' })
    await copyGallery(local.gallery, local.checkIns.everything(), desk.gallery, (checkIns) => desk.checkIns.receive(checkIns))
  }

  /** Status events follow the desk in use. */
  private watch(): void {
    this.unfollow()
    this.unfollow = this.store.shared?.status.follow(() => this.announce(this.status())) ?? (() => undefined)
    this.announce(this.status())
  }
}

/**
 * People, templates and photos, then the check-ins, their person ids mapped to whom they merged
 * into. Two steps, each all-or-nothing; moving again after a failure skips what already arrived.
 */
async function copyGallery(from: GalleryStore, checkIns: Promise<StoredCheckIn[]>, to: GalleryStore, receive: (checkIns: StoredCheckIn[]) => Promise<number>): Promise<void> {
  const { personIds } = await mergeGallery(to, await from.everything())
  await receive((await checkIns).map((c) => ({ ...c, personId: personIds.get(c.personId) ?? c.personId })))
}

async function unsealed(sealed: string | undefined, secrets: OsKeychain | undefined, notices: StoreNotice[]): Promise<string | undefined> {
  if (sealed === undefined) return undefined
  if (!secrets) {
    notices.push({ kind: 'shared-gallery', message: 'The shared gallery’s password is sealed by the desktop app’s keychain, which is not available here; set PGPASSWORD or LIKENESS_DATABASE_URL.' })
    return undefined
  }
  try {
    return await secrets.decryptString(new Uint8Array(Buffer.from(sealed, 'base64')))
  } catch (error) {
    notices.push({ kind: 'shared-gallery', message: `The shared gallery’s password could not be unsealed: ${(error as Error).message}` })
    return undefined
  }
}

type SharedMethods = 'shared.status' | 'shared.connect' | 'shared.disconnect'

export function sharedHandlers({ shared, jobs }: ServiceContext): Pick<Handlers, SharedMethods> {
  return {
    'shared.status': async () => shared.status(),
    'shared.connect': async (request) => jobs.start('shared.connect', request.move ? 'Move the gallery to the shared server' : 'Use a shared gallery', (context) => shared.connect(request, context)),
    'shared.disconnect': async (request) =>
      jobs.start('shared.disconnect', request.move ? 'Move the shared gallery to this desk' : 'Use this desk’s own gallery', (context) => shared.disconnect(request, context))
  }
}
