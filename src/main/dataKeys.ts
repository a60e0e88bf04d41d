import path from 'node:path'
import type { KeyProvider } from './store/crypto/keyring'
import { keyFileProvider, passphraseProvider } from './store/crypto/keyProviders'

/** The key file of a data folder: LIKENESS_KEY_FILE, else `<data folder>.key` beside it (outside it). */
function keyFileOf(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.LIKENESS_KEY_FILE ? path.resolve(env.LIKENESS_KEY_FILE) : `${path.resolve(dataDir)}.key`
}

/**
 * How a host without the OS keychain keeps the data key: the passphrase in LIKENESS_PASSPHRASE
 * when it is set, and the key file. The key file is created (mode 0600) for a new folder only when
 * `createKeyFile` and no passphrase is given; an existing one always opens the folder, and gets
 * the key wrapped for it, so a folder made by one host opens in the others.
 */
export function keyProvidersFromEnv(dataDir: string, env: NodeJS.ProcessEnv, { createKeyFile }: { createKeyFile: boolean }): KeyProvider[] {
  const passphrase = env.LIKENESS_PASSPHRASE
  const keyFile = keyFileProvider(keyFileOf(dataDir, env), { dataDir, create: createKeyFile && !passphrase })
  return passphrase ? [passphraseProvider(passphrase), keyFile] : [keyFile]
}
