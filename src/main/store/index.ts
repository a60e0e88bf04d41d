import { mkdir } from 'node:fs/promises'
import type { StoreNotice } from '../../shared/api/system'
import { AdminPinStore } from './adminPin'
import { AuditLog } from './auditLog'
import type { GalleryDependent } from './cascade'
import type { CheckInStore } from './checkInStore'
import { LocalCheckInLog } from './checkIns'
import type { DataKey } from './crypto/dataKey'
import type { KeyProvider } from './crypto/keyring'
import { Database } from './db'
import { ExploreScanStore } from './exploreScans'
import { StoreFiles } from './files'
import { LocalGallery } from './gallery'
import { ChangeFeed, type GalleryChange, type GalleryStore } from './galleryStore'
import { Residue } from './residue'
import { openSealedFolder } from './sealedFolder'
import { LocalSettings, type SettingsStore } from './settings'
import { SharedConnectionStore } from './sharedConnection'
import { SharedDesk } from './shared/desk'
import type { Departed } from './shared/mirror'
import { StyleHistory } from './styleHistory'
import { TrainedModelStore } from './trainedModels'

/** The embedded tables that a shared gallery stands in for while the desk uses one. */
export interface LocalTables {
  settings: LocalSettings
  gallery: LocalGallery
  checkIns: LocalCheckInLog
}

/**
 * Everything Likeness keeps, one module per table, each the only writer of its table and its
 * files. The gallery, the check-in log and the settings are the embedded ones, or — while the
 * desk uses a shared gallery — the shared server's (store/shared/); the rest stay in the data
 * folder. The service reaches the data through these and nothing else.
 */
export class Store {
  private desk: SharedDesk | null = null
  private readonly galleryChanges = new ChangeFeed<GalleryChange>()
  private unfollow: () => void

  private constructor(
    readonly dataDir: string,
    readonly notices: StoreNotice[],
    /** What every biometric byte at rest is sealed under. */
    readonly dataKey: DataKey,
    readonly residue: Residue,
    readonly audit: AuditLog,
    readonly adminPin: AdminPinStore,
    readonly local: LocalTables,
    readonly scans: ExploreScanStore,
    readonly trainedModels: TrainedModelStore,
    readonly styleHistory: StyleHistory,
    readonly sharedConnection: SharedConnectionStore,
    private readonly db: Database,
    private readonly files: StoreFiles
  ) {
    this.unfollow = local.gallery.follow((change) => this.galleryChanges.emit(change))
  }

  /** Opens the folder with the first of `keys` that unlocks it; a wrong key or passphrase is WrongKey and changes nothing. */
  static async open(dataDir: string, keys: readonly KeyProvider[]): Promise<Store> {
    await mkdir(dataDir, { recursive: true })
    const notices: StoreNotice[] = []
    const dataKey = await openSealedFolder(dataDir, keys, notices)
    const db = await Database.open(dataDir)
    notices.push(...db.notices)
    const residue = new Residue(dataDir)
    // Nothing of this process writes yet: what a crash left behind can go. Not the template files
    // after db.json was found damaged: the one it named is all that is left of the templates.
    await residue.removeStaleTemporaryFiles()
    if (!db.notices.some((n) => n.kind === 'recovered-corrupt-file')) await residue.removeOrphanTemplateFiles(db.data.templateFile)
    const files = new StoreFiles(dataDir, dataKey)
    const checkIns = new LocalCheckInLog(db, files)
    const scans = new ExploreScanStore(db, files)
    // The tables whose rows point into the gallery follow its changes in the same write.
    const gallery = new LocalGallery(db, files, [checkIns, scans])
    const local = { settings: new LocalSettings(db), gallery, checkIns }
    return new Store(
      dataDir,
      notices,
      dataKey,
      residue,
      new AuditLog(files),
      new AdminPinStore(files),
      local,
      scans,
      new TrainedModelStore(db, files),
      new StyleHistory(db, files),
      new SharedConnectionStore(db),
      db,
      files
    )
  }

  get gallery(): GalleryStore {
    return this.desk?.gallery ?? this.local.gallery
  }

  get checkIns(): CheckInStore {
    return this.desk?.checkIns ?? this.local.checkIns
  }

  get settings(): SettingsStore {
    return this.desk?.settings ?? this.local.settings
  }

  /** The shared gallery in use, if any. */
  get shared(): SharedDesk | null {
    return this.desk
  }

  /** Every change to the templates of the gallery in use, and a 'replaced' when the desk switches gallery. */
  followGallery(listener: (change: GalleryChange) => void): () => void {
    return this.galleryChanges.follow(listener)
  }

  /**
   * Opens this desk's place in a shared gallery (its mirror, queue and gallery key live in the data
   * folder's shared/); `use` switches to it. `galleryPassphrase` opens the gallery's key the first
   * time (or seals a gallery that is not sealed yet).
   */
  openShared(connection: string, options: { requireServer?: boolean; galleryPassphrase?: string } = {}): Promise<SharedDesk> {
    return SharedDesk.open({
      connection,
      folder: this.files.resolve('shared'),
      dataKey: this.dataKey,
      localGallery: this.local.gallery,
      localSettings: this.local.settings,
      cascade: (departed) => this.cascade(departed, [this.scans]),
      requireServer: options.requireServer,
      galleryPassphrase: options.galleryPassphrase
    })
  }

  /** Switches to `desk`'s shared gallery (or back to the embedded one with null) and closes the one left. */
  async use(desk: SharedDesk | null): Promise<void> {
    const previous = this.desk
    if (previous === desk) return
    const gallery = desk?.gallery ?? this.local.gallery
    // Changes that arrive while the rows load are passed on after them: the follower ignores what it already has.
    const meanwhile: GalleryChange[] = []
    let loading = true
    this.unfollow()
    this.desk = desk
    this.unfollow = gallery.follow((change) => (loading ? meanwhile.push(change) : this.galleryChanges.emit(change)))
    let rows
    try {
      rows = await gallery.load([])
    } finally {
      loading = false
    }
    this.galleryChanges.emit({ kind: 'replaced', rows })
    for (const change of meanwhile) this.galleryChanges.emit(change)
    await previous?.close()
  }

  async close(): Promise<void> {
    await this.desk?.close()
  }

  /** People or photos left the shared gallery (at any desk): this desk's own tables drop what pointed at them. */
  private async cascade(departed: Departed, dependents: readonly GalleryDependent[]): Promise<void> {
    const files = await this.db.update((draft) =>
      departed.wiped
        ? dependents.flatMap((d) => d.galleryWiped?.(draft) ?? [])
        : [
            ...departed.people.flatMap((id) => dependents.flatMap((d) => d.personForgotten?.(draft, id) ?? [])),
            ...departed.photos.flatMap((id) => dependents.flatMap((d) => d.photoRemoved?.(draft, id) ?? []))
          ]
    )
    await this.files.remove(files)
  }
}
