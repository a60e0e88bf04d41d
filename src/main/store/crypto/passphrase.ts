import { randomBytes, scrypt } from 'node:crypto'
import { keyBytes } from './aesGcm'

/**
 * A key from a passphrase: scrypt (RFC 7914) with the cost stored beside what it protects, so
 * it can rise later without breaking older files. N = 2¹⁷, r = 8, p = 1 is OWASP's figure for
 * scrypt (128 MiB, measured 1.7 s on this 2-core machine under load): one derivation per start
 * or per export, never per file.
 */
export interface ScryptParams {
  logN: number
  r: number
  p: number
  salt: Uint8Array
}

export const saltBytes = 16
const defaultCost = { logN: 17, r: 8, p: 1 }

export function newScryptParams(logN = defaultCost.logN): ScryptParams {
  return { ...defaultCost, logN, salt: new Uint8Array(randomBytes(saltBytes)) }
}

/** Whether stored parameters are ones this build would derive with: a file is untrusted, and a huge N is a memory bomb. */
export function saneScryptParams({ logN, r, p, salt }: ScryptParams): boolean {
  return Number.isInteger(logN) && logN >= 10 && logN <= 20 && Number.isInteger(r) && r >= 1 && r <= 16 && Number.isInteger(p) && p >= 1 && p <= 4 && salt.byteLength === saltBytes
}

export function deriveKey(passphrase: string, { logN, r, p, salt }: ScryptParams): Promise<Uint8Array> {
  const N = 2 ** logN
  return new Promise((resolve, reject) =>
    // NFKC: the same passphrase typed on another keyboard or system composes the same bytes.
    scrypt(passphrase.normalize('NFKC'), salt, keyBytes, { N, r, p, maxmem: 128 * N * r * p + 32 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(new Uint8Array(key))
    )
  )
}
