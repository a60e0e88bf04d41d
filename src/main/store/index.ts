import { mkdir } from 'node:fs/promises'
import type { StoreNotice } from '../../shared/api/system'
import { AdminPinStore } from './adminPin'
import { AuditLog } from './auditLog'
import { CheckInLog } from './checkIns'
import type { DataKey } from './crypto/dataKey'
import type { KeyProvider } from './crypto/keyring'
import { Database } from './db'
import { ExploreScanStore } from './exploreScans'
import { StoreFiles } from './files'
import { GalleryStore } from './gallery'
import { Residue } from './residue'
import { openSealedFolder } from './sealedFolder'
import { SettingsStore } from './settings'
import { StyleHistory } from './styleHistory'
import { TrainedModelStore } from './trainedModels'

/**
 * Everything Likeness keeps on disk, one module per table, each the only writer of its table and
 * its files. The service reaches the data folder through these and nothing else.
 */
export class Store {
  private constructor(
    readonly dataDir: string,
    readonly notices: StoreNotice[],
    /** What every biometric byte at rest is sealed under; the shared store seals its biometric columns with it too. */
    readonly dataKey: DataKey,
    readonly residue: Residue,
    readonly audit: AuditLog,
    readonly adminPin: AdminPinStore,
    readonly settings: SettingsStore,
    readonly gallery: GalleryStore,
    readonly checkIns: CheckInLog,
    readonly scans: ExploreScanStore,
    readonly trainedModels: TrainedModelStore,
    readonly styleHistory: StyleHistory
  ) {}

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
    const checkIns = new CheckInLog(db, files)
    const scans = new ExploreScanStore(db, files)
    // The tables whose rows point into the gallery follow its changes in the same write.
    const gallery = new GalleryStore(db, files, [checkIns, scans])
    return new Store(dataDir, notices, dataKey, residue, new AuditLog(files), new AdminPinStore(files), new SettingsStore(db), gallery, checkIns, scans, new TrainedModelStore(db, files), new StyleHistory(db, files))
  }
}
