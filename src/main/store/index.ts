import type { StoreNotice } from '../../shared/api/system'
import { CheckInLog } from './checkIns'
import { Database } from './db'
import { ExploreScanStore } from './exploreScans'
import { StoreFiles } from './files'
import { GalleryStore } from './gallery'
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
    readonly settings: SettingsStore,
    readonly gallery: GalleryStore,
    readonly checkIns: CheckInLog,
    readonly scans: ExploreScanStore,
    readonly trainedModels: TrainedModelStore,
    readonly styleHistory: StyleHistory
  ) {}

  static async open(dataDir: string): Promise<Store> {
    const db = await Database.open(dataDir)
    const files = new StoreFiles(dataDir)
    const checkIns = new CheckInLog(db, files)
    const scans = new ExploreScanStore(db, files)
    // The tables whose rows point into the gallery follow its changes in the same write.
    const gallery = new GalleryStore(db, files, [checkIns, scans])
    return new Store(dataDir, db.notices, new SettingsStore(db), gallery, checkIns, scans, new TrainedModelStore(db, files), new StyleHistory(db, files))
  }
}
