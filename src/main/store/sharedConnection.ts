import type { Database } from './db'
import type { SharedConnectionRecord } from './schema'

/**
 * Which shared gallery this desk uses when LIKENESS_DATABASE_URL does not say: the connection
 * string without its password, and the password sealed by the OS keychain (never in clear on
 * disk). The one writer of db.sharedGallery.
 */
export class SharedConnectionStore {
  constructor(private readonly db: Database) {}

  get(): SharedConnectionRecord | null {
    return this.db.data.sharedGallery
  }

  async set(record: SharedConnectionRecord | null): Promise<void> {
    await this.db.update((draft) => {
      draft.sharedGallery = record
    })
  }
}
