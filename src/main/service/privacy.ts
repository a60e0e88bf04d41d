import { LikenessError } from '../../shared/errors'
import type { ServiceContext } from './context'
import type { Handlers } from './handlers'
import { exportPerson } from './personExport'

type PrivacyMethods = 'privacy.exportPerson' | 'privacy.audit' | 'admin.status' | 'admin.unlock' | 'admin.lock' | 'admin.setPin'

export function privacyHandlers({ store, admin, host }: ServiceContext): Pick<Handlers, PrivacyMethods> {
  return {
    'privacy.exportPerson': ({ personId, passphrase }) => exportPerson(store, personId, passphrase),
    'privacy.audit': async ({ last }) => {
      const log = await store.audit.read()
      return { intact: log.intact, entries: last === undefined ? log.entries : log.entries.slice(-last) }
    },
    'admin.status': () => admin.status(),
    'admin.unlock': async ({ pin }) => {
      try {
        return await admin.unlock(pin)
      } catch (error) {
        // Guessing at the desk shows in the log; the PIN itself never goes in.
        if (error instanceof LikenessError && error.kind === 'WrongKey') await store.audit.append({ action: 'admin-unlock-refused', by: host })
        throw error
      }
    },
    'admin.lock': () => admin.lock(),
    'admin.setPin': ({ pin, currentPin }) => admin.setPin(pin, currentPin)
  }
}
