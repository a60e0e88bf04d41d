import type { Settings } from '../../shared/api/settings'
import type { Database } from './db'

/** The settings table: the one writer of db.settings. */
export class SettingsStore {
  constructor(private readonly db: Database) {}

  get(): Settings {
    return { ...this.db.data.settings }
  }

  update(change: Partial<Settings>): Promise<Settings> {
    return this.db.update((draft) => {
      draft.settings = { ...draft.settings, ...change }
      return { ...draft.settings }
    })
  }
}
