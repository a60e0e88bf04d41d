import { gcmOpen, gcmSeal, sealOverhead } from './aesGcm'
import { deriveKey, newScryptParams, saltBytes, saneScryptParams, type ScryptParams } from './passphrase'

/**
 * A file sealed with a passphrase the user types (a gallery export, one person's data):
 *
 *   magic (8) | u32 format | u8 log₂N | u8 r | u8 p | u8 0 | salt (16) | u64 sealed length
 *   | verifier: AES-GCM of nothing (28) | payload: nonce | ciphertext | tag
 *
 * Little-endian; the key is scrypt(passphrase, salt). The 40-byte header is the associated data
 * of both seals, so its cost and lengths cannot be changed either. The verifier tells a wrong
 * passphrase (it does not open) from a damaged file (it opens, the payload does not); the length
 * tells a cut file from both.
 */
const format = 1
const headerBytes = 40
const verifierBytes = sealOverhead

export type EnvelopeProblem = 'truncated' | 'checksum' | 'newer-format' | 'malformed' | 'wrong-passphrase'
export type Opened = { ok: true; plaintext: Uint8Array } | { ok: false; problem: EnvelopeProblem }

const verifierData = (header: Uint8Array): Uint8Array => {
  const data = new Uint8Array(header.byteLength + 8)
  data.set(header, 0)
  data.set(new TextEncoder().encode('verifier'), header.byteLength)
  return data
}

export function isEnvelope(file: Uint8Array, magic: Uint8Array): boolean {
  return file.byteLength >= magic.byteLength && magic.every((b, i) => file[i] === b)
}

export async function sealWithPassphrase(plaintext: Uint8Array, passphrase: string, magic: Uint8Array): Promise<Uint8Array> {
  const params = newScryptParams()
  const key = await deriveKey(passphrase, params)
  const header = new Uint8Array(headerBytes)
  const view = new DataView(header.buffer)
  header.set(magic, 0)
  view.setUint32(8, format, true)
  header.set([params.logN, params.r, params.p, 0], 12)
  header.set(params.salt, 16)
  view.setBigUint64(32, BigInt(plaintext.byteLength + sealOverhead), true)
  const verifier = gcmSeal(key, new Uint8Array(0), verifierData(header))
  const payload = gcmSeal(key, plaintext, header)
  key.fill(0)
  const file = new Uint8Array(headerBytes + verifierBytes + payload.byteLength)
  file.set(header, 0)
  file.set(verifier, headerBytes)
  file.set(payload, headerBytes + verifierBytes)
  return file
}

/** Opens an envelope whose magic the caller has checked; nothing here writes anything. */
export async function openWithPassphrase(file: Uint8Array, passphrase: string): Promise<Opened> {
  if (file.byteLength < headerBytes + verifierBytes) return { ok: false, problem: 'truncated' }
  const header = file.subarray(0, headerBytes)
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength)
  const version = view.getUint32(8, true)
  if (version > format) return { ok: false, problem: 'newer-format' }
  const params: ScryptParams = { logN: header[12]!, r: header[13]!, p: header[14]!, salt: header.slice(16, 16 + saltBytes) }
  if (version !== format || !saneScryptParams(params)) return { ok: false, problem: 'malformed' }
  const sealedLength = Number(view.getBigUint64(32, true))
  const end = headerBytes + verifierBytes + sealedLength
  if (file.byteLength < end) return { ok: false, problem: 'truncated' }
  if (file.byteLength > end) return { ok: false, problem: 'malformed' }
  const key = await deriveKey(passphrase, params)
  try {
    if (!gcmOpen(key, file.subarray(headerBytes, headerBytes + verifierBytes), verifierData(header))) return { ok: false, problem: 'wrong-passphrase' }
    const plaintext = gcmOpen(key, file.subarray(headerBytes + verifierBytes), header)
    return plaintext ? { ok: true, plaintext } : { ok: false, problem: 'checksum' }
  } finally {
    key.fill(0)
  }
}
