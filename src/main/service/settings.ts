import type { Handlers } from './handlers'
import type { ServiceContext } from './context'

export function settingsHandlers({ store, admin, retention }: ServiceContext): Pick<Handlers, 'settings.get' | 'settings.update'> {
  return {
    'settings.get': async () => store.settings.get(),
    'settings.update': async (change) => {
      await admin.beforeSettings(change)
      const settings = await store.settings.update(change)
      // A shorter retention applies now, not at tomorrow's run.
      if (change.checkInRetentionDays !== undefined) await retention.run()
      return settings
    }
  }
}
