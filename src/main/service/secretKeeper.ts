/**
 * Keeps a secret (the shared gallery's password) sealed with a key the operating system holds: the
 * desktop app's is Electron's safeStorage (Keychain, DPAPI, the Secret Service). The service never
 * imports Electron, so the keeper is handed to it; browser mode and the command line have none and
 * take the password from LIKENESS_DATABASE_URL, PGPASSWORD or ~/.pgpass instead.
 */
export interface SecretKeeper {
  seal(secret: string): Uint8Array
  unseal(sealed: Uint8Array): string
}
