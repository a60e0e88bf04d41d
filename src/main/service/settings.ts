import type { Handlers } from './handlers'
import type { ServiceContext } from './context'

export function settingsHandlers({ store }: ServiceContext): Pick<Handlers, 'settings.get' | 'settings.update'> {
  return {
    'settings.get': async () => store.settings.get(),
    'settings.update': (change) => store.settings.update(change)
  }
}
