import type { z } from 'zod'
import type { MethodName, Methods, RequestOf } from '../../shared/contract'
import type { AdminStatus } from '../../shared/api/privacy'
import type { SystemInfo } from '../../shared/api/system'
import { LikenessError } from '../../shared/errors'
import type { Store } from '../store'
import { galleryScanKey } from '../store/exploreScans'

/** An unlocked admin session ends after this long without an admin call. */
const idleLimit = 5 * 60_000
/** Wrong PINs allowed before each further try waits, doubling from 30 s. */
const freeTries = 5
const firstWait = 30_000

/**
 * The admin calls: those that enroll, change or erase people, show their photos, export or import
 * them, train, or change settings. A guard is `true`, or a test of the request for calls that are
 * admin only on the gallery (a layer-explorer scan of the gallery's photos shows their faces).
 */
type Parsed<M extends MethodName> = z.output<Methods[M]['request']>

const adminCalls: { [M in MethodName]?: true | ((request: Parsed<M>, store: Store) => boolean) } = {
  'face.enroll': true,
  'face.addPhotos': true,
  'face.rename': true,
  'face.removePhoto': true,
  'face.forget': true,
  'face.wipe': true,
  'face.photo': true,
  'face.roster': true,
  'face.evaluate': true,
  'gallery.export': true,
  'gallery.import': true,
  'checkin.csv': true,
  'settings.update': true,
  'shared.connect': true,
  'shared.disconnect': true,
  'train.start': true,
  'train.calibrate': true,
  'train.models': true,
  'train.keep': true,
  'train.revert': true,
  'train.reencode': true,
  'privacy.exportPerson': true,
  'privacy.audit': true,
  'explore.scan': (request) => request.images.kind === 'gallery',
  'explore.units': (request, store) => isGalleryScan(store, request.scanId),
  'explore.source': (request, store) => isGalleryScan(store, request.scanId)
}

function isGalleryScan(store: Store, scanId: string): boolean {
  return store.scans.setKeyOf(scanId) === galleryScanKey
}

/**
 * Kiosk mode: a front-desk machine anyone can walk up to checks people in and verifies them, and
 * asks for the admin PIN before anything in `adminCalls`. The service enforces it, not only the
 * views, so a script on the page or a second browser tab cannot step around it. The CLI is not
 * gated: whoever runs it has the data folder and its key already.
 */
export class AdminGate {
  private unlockedUntil = 0
  private wrongTries = 0
  private waitUntil = 0

  constructor(
    private readonly store: Store,
    private readonly host: SystemInfo['host'],
    private readonly now: () => number = Date.now
  ) {}

  /** Throws Locked when `method` needs the PIN now; an admin call made while unlocked keeps the session open. */
  check<M extends MethodName>(method: M, request: Parsed<M>): void {
    const guard = adminCalls[method] as true | ((request: Parsed<M>, store: Store) => boolean) | undefined
    if (this.host === 'cli' || !guard || !this.store.settings.get().kioskMode) return
    if (guard !== true && !guard(request, this.store)) return
    if (this.now() >= this.unlockedUntil) throw new LikenessError('Locked', 'This needs the admin PIN: the machine is in kiosk mode.', { method })
    this.unlockedUntil = this.now() + idleLimit
  }

  async status(): Promise<AdminStatus> {
    const kioskMode = this.store.settings.get().kioskMode
    return {
      kioskMode,
      pinSet: await this.store.adminPin.isSet(),
      unlocked: !kioskMode || this.host === 'cli' || this.now() < this.unlockedUntil,
      retryAfterMs: Math.max(0, this.waitUntil - this.now())
    }
  }

  /** Returns whether the PIN was right; a wrong one counts towards the wait, and is WrongKey. */
  async unlock(pin: string): Promise<AdminStatus> {
    const wait = this.waitUntil - this.now()
    if (wait > 0) throw new LikenessError('Locked', `Too many wrong PINs: try again in ${Math.ceil(wait / 1000)} s.`, { retryAfterMs: wait })
    if (!(await this.store.adminPin.matches(pin))) {
      this.wrongTries++
      if (this.wrongTries >= freeTries) this.waitUntil = this.now() + firstWait * 2 ** (this.wrongTries - freeTries)
      throw new LikenessError('WrongKey', 'That is not the admin PIN.', { problem: 'wrong-pin', retryAfterMs: Math.max(0, this.waitUntil - this.now()) })
    }
    this.wrongTries = 0
    this.unlockedUntil = this.now() + idleLimit
    return this.status()
  }

  lock(): Promise<AdminStatus> {
    this.unlockedUntil = 0
    return this.status()
  }

  /** A new PIN needs the current one (or an unlocked session); kiosk mode cannot lose its PIN. */
  async setPin(pin: string | null, currentPin: string | undefined): Promise<AdminStatus> {
    const status = await this.status()
    if (status.pinSet && !(status.kioskMode && status.unlocked)) {
      if (currentPin === undefined || !(await this.store.adminPin.matches(currentPin))) throw new LikenessError('WrongKey', 'The current admin PIN is needed to change it.', { problem: 'wrong-pin' })
    }
    if (pin === null && status.kioskMode) throw new LikenessError('BadRequest', 'Turn kiosk mode off before removing the admin PIN.')
    await this.store.adminPin.set(pin)
    return this.status()
  }

  /**
   * Kiosk mode without a PIN would guard nothing. Whoever turns it on is the admin: their session
   * starts unlocked, so the settings they are on do not lock under their hands.
   */
  async beforeSettings(change: RequestOf<'settings.update'>): Promise<void> {
    if (!change.kioskMode || this.store.settings.get().kioskMode) return
    if (!(await this.store.adminPin.isSet())) throw new LikenessError('BadRequest', 'Set an admin PIN before turning kiosk mode on.')
    this.unlockedUntil = this.now() + idleLimit
  }
}
