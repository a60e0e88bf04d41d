import type { Handlers } from './handlers'
import type { ServiceContext } from './context'

export function settingsHandlers({ db }: ServiceContext): Pick<Handlers, 'settings.get' | 'settings.update'> {
  return {
    'settings.get': async () => ({ ...db.data.settings }),
    'settings.update': async (change) =>
      db.update((draft) => {
        draft.settings = { ...draft.settings, ...change }
        return { ...draft.settings }
      })
  }
}
