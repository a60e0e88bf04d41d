import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

/**
 * AES-256-GCM, the one cipher of the store: a fresh random 96-bit nonce per message, a 128-bit
 * tag. Every sealed thing in Likeness (files, template chunks, wrapped keys, exports) is
 *
 *   nonce (12) | ciphertext (as long as the plaintext) | tag (16)
 *
 * with associated data that names what the bytes are, so a ciphertext moved to another place
 * (another file name, another row, another position in the matrix) no longer opens. Random
 * nonces under one key stay safe for about 2³² messages (NIST SP 800-38D, 8.3); a data folder
 * writes some thousands.
 */
const nonceBytes = 12
const tagBytes = 16
export const keyBytes = 32
export const sealOverhead = nonceBytes + tagBytes

export function gcmSeal(key: Uint8Array, plaintext: Uint8Array, associated: Uint8Array): Uint8Array {
  const nonce = randomBytes(nonceBytes)
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: tagBytes })
  cipher.setAAD(associated)
  const out = new Uint8Array(nonceBytes + plaintext.byteLength + tagBytes)
  out.set(nonce, 0)
  out.set(cipher.update(plaintext), nonceBytes)
  cipher.final()
  out.set(cipher.getAuthTag(), nonceBytes + plaintext.byteLength)
  return out
}

/** The plaintext, or undefined when the tag does not match: another key, other associated data, or a changed byte. */
export function gcmOpen(key: Uint8Array, sealed: Uint8Array, associated: Uint8Array): Uint8Array | undefined {
  if (sealed.byteLength < sealOverhead) return undefined
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, nonceBytes), { authTagLength: tagBytes })
  decipher.setAAD(associated)
  decipher.setAuthTag(sealed.subarray(sealed.byteLength - tagBytes))
  const plaintext = decipher.update(sealed.subarray(nonceBytes, sealed.byteLength - tagBytes))
  try {
    decipher.final()
  } catch {
    plaintext.fill(0)
    return undefined
  }
  return new Uint8Array(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength)
}
