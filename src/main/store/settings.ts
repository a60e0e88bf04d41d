import type { Settings } from '../../shared/api/settings'
import type { Database } from './db'

/** The settings as the service reads and changes them, wherever each one is kept. */
export interface SettingsStore {
  get(): Settings
  update(change: Partial<Settings>): Promise<Settings>
}

/** The settings table: the one writer of db.settings. */
export class LocalSettings implements SettingsStore {
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
