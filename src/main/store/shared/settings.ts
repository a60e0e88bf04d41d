import type { Settings } from '../../../shared/api/settings'
import type { SettingsStore } from '../settings'
import { lockGallery, recordChanges } from './changeLog'
import type { Mirror } from './mirror'
import type { SharedServer } from './server'

/**
 * With a shared gallery, τ and the check-in interval are the gallery's (on the server, read from
 * the desk's mirror): every desk matches and logs by the same rule. The rest (detector, camera)
 * belongs to the desk and stays in its data folder.
 */
export class SharedSettings implements SettingsStore {
  constructor(
    private readonly server: SharedServer,
    private readonly mirror: Mirror,
    private readonly local: SettingsStore,
    private readonly sync: () => Promise<void>
  ) {}

  get(): Settings {
    return { ...this.local.get(), ...this.mirror.settings }
  }

  /** The shared part first (it needs the server): when that fails, nothing changed. */
  async update({ tau, checkInIntervalMinutes, ...desk }: Partial<Settings>): Promise<Settings> {
    if (tau !== undefined || checkInIntervalMinutes !== undefined) {
      await this.server.transaction(async (client) => {
        await lockGallery(client)
        await client.query('UPDATE likeness.gallery SET tau = coalesce($1, tau), check_in_interval_minutes = coalesce($2, check_in_interval_minutes)', [
          tau ?? null,
          checkInIntervalMinutes ?? null
        ])
        await recordChanges(client, [{ kind: 'settings' }])
      })
      await this.sync()
    }
    if (Object.keys(desk).length > 0) await this.local.update(desk)
    return this.get()
  }
}
