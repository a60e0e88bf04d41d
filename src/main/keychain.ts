import { safeStorage } from 'electron'
import type { OsKeychain } from './store/crypto/keyProviders'

/**
 * Electron's safeStorage as the OS keychain (macOS Keychain, Windows DPAPI, the Secret Service or
 * KWallet), where the OS really holds the key. On Linux without a secret service Chromium falls
 * back to "basic_text", a key written in its own source, which protects nothing: no keychain
 * then. It wraps the data key and seals the shared gallery's password. Call once the app is ready.
 */
export async function osKeychain(): Promise<OsKeychain | undefined> {
  if (!(await safeStorage.isAsyncEncryptionAvailable())) return undefined
  if (process.platform === 'linux' && ['basic_text', 'unknown'].includes(safeStorage.getSelectedStorageBackend())) return undefined
  return {
    encryptString: async (text) => new Uint8Array(await safeStorage.encryptStringAsync(text)),
    decryptString: async (sealed) => (await safeStorage.decryptStringAsync(Buffer.from(sealed))).result
  }
}
