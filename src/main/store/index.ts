import type { StoreNotice } from '../../shared/api/system'
import type { CheckInStore } from './checkInStore'
import { LocalCheckInLog } from './checkIns'
import { Database } from './db'
import { ExploreScanStore } from './exploreScans'
import { StoreFiles } from './files'
import { LocalGallery } from './gallery'
import { ChangeFeed, type GalleryChange, type GalleryStore } from './galleryStore'
import { LocalSettings, type SettingsStore } from './settings'
import { StyleHistory } from './styleHistory'
import { TrainedModelStore } from './trainedModels'

/** The embedded gallery, log and settings. */
export interface LocalTables {
  settings: LocalSettings
  gallery: LocalGallery
  checkIns: LocalCheckInLog
}

/**
 * Everything Likeness keeps on disk, one module per table, each the only writer of its table and
 * its files. The service reaches the data folder through these and nothing else.
 */
export class Store {
  private readonly galleryChanges = new ChangeFeed<GalleryChange>()

  private constructor(
    readonly dataDir: string,
    readonly notices: StoreNotice[],
    readonly local: LocalTables,
    readonly scans: ExploreScanStore,
    readonly trainedModels: TrainedModelStore,
    readonly styleHistory: StyleHistory
  ) {
    local.gallery.follow((change) => this.galleryChanges.emit(change))
  }

  static async open(dataDir: string): Promise<Store> {
    const db = await Database.open(dataDir)
    const files = new StoreFiles(dataDir)
    const checkIns = new LocalCheckInLog(db, files)
    const scans = new ExploreScanStore(db, files)
    // The tables whose rows point into the gallery follow its changes in the same write.
    const gallery = new LocalGallery(db, files, [checkIns, scans])
    const local = { settings: new LocalSettings(db), gallery, checkIns }
    return new Store(dataDir, db.notices, local, scans, new TrainedModelStore(db, files), new StyleHistory(db, files))
  }

  get gallery(): GalleryStore {
    return this.local.gallery
  }

  get checkIns(): CheckInStore {
    return this.local.checkIns
  }

  get settings(): SettingsStore {
    return this.local.settings
  }

  /** Every change to the gallery's templates. */
  followGallery(listener: (change: GalleryChange) => void): () => void {
    return this.galleryChanges.follow(listener)
  }
}
