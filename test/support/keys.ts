import type { KeyProvider } from '../../src/main/store/crypto/keyring'
import { keyProvidersFromEnv } from '../../src/main/dataKeys'

/** What the CLI unlocks a folder with when no passphrase is set: the key file `<dataDir>.key`, made on first use. */
export function keysOf(dataDir: string): KeyProvider[] {
  return keyProvidersFromEnv(dataDir, {}, { createKeyFile: true })
}
