import { safeStorage } from 'electron'
import type { SecretKeeper } from './service/secretKeeper'

/**
 * Electron's safeStorage as the service's secret keeper, where the OS really holds the key. On
 * Linux without a secret service Chromium falls back to "basic_text", a key written in its own
 * source: no keeper then, and the password is asked of PGPASSWORD or LIKENESS_DATABASE_URL.
 * Call once the app is ready.
 */
export function osKeychain(): SecretKeeper | undefined {
  if (!safeStorage.isEncryptionAvailable()) return undefined
  if (process.platform === 'linux' && ['basic_text', 'unknown'].includes(safeStorage.getSelectedStorageBackend())) return undefined
  return {
    seal: (secret) => new Uint8Array(safeStorage.encryptString(secret)),
    unseal: (sealed) => safeStorage.decryptString(Buffer.from(sealed))
  }
}
