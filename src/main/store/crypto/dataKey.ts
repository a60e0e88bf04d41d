import { randomBytes } from 'node:crypto'
import { LikenessError } from '../../../shared/errors'
import { gcmOpen, gcmSeal, keyBytes, sealOverhead } from './aesGcm'

/** The first bytes of every sealed blob: no JPEG, PNG or JSON starts so. */
const magic = new TextEncoder().encode('LKS1')

/** How much longer a sealed blob is than its plaintext: the magic, the nonce and the tag. */
export const blobOverhead = magic.byteLength + sealOverhead

const associated = (context: string): Uint8Array => new TextEncoder().encode(`likeness:${context}`)

/**
 * The key every biometric byte at rest is sealed under (AES-256-GCM): photos, thumbnails,
 * check-in pictures, style inputs, the template matrix, and the shared store's biometric columns.
 * It never touches the disk in the clear: the keyring keeps it wrapped by the OS keychain, a key
 * file or a passphrase.
 *
 * A blob is "LKS1" | nonce | ciphertext | tag, sealed with its context as associated data: a
 * file's name relative to the data folder, or a row's table and id (`template:<id>`,
 * `photo:<id>`), so a blob copied to another name does not open.
 */
export class DataKey {
  private constructor(private readonly key: Uint8Array) {}

  static generate(): DataKey {
    return new DataKey(new Uint8Array(randomBytes(keyBytes)))
  }

  static fromBytes(bytes: Uint8Array): DataKey {
    if (bytes.byteLength !== keyBytes) throw new LikenessError('StoreCorrupt', 'A data key of the wrong length.', { bytes: bytes.byteLength })
    return new DataKey(new Uint8Array(bytes))
  }

  /** The raw key, for the keyring to wrap and nothing else. */
  exportForWrapping(): Uint8Array {
    return new Uint8Array(this.key)
  }

  seal(plaintext: Uint8Array, context: string): Uint8Array {
    const sealed = gcmSeal(this.key, plaintext, associated(context))
    const out = new Uint8Array(magic.byteLength + sealed.byteLength)
    out.set(magic, 0)
    out.set(sealed, magic.byteLength)
    return out
  }

  /** The plaintext of a blob sealed with this context; StoreCorrupt when it is not one, was changed, or was sealed under another key. */
  open(sealed: Uint8Array, context: string): Uint8Array {
    if (!isSealed(sealed)) throw new LikenessError('StoreCorrupt', `${context} is not sealed: a plaintext file where Likeness keeps only encrypted ones.`, { context })
    const plaintext = gcmOpen(this.key, sealed.subarray(magic.byteLength), associated(context))
    if (!plaintext) throw new LikenessError('StoreCorrupt', `${context} does not decrypt: it was damaged, or sealed under another key.`, { context })
    return plaintext
  }

  /** A sealed part of a larger format (the template matrix's chunks and header), without the blob's magic. */
  sealPart(plaintext: Uint8Array, associatedData: Uint8Array): Uint8Array {
    return gcmSeal(this.key, plaintext, associatedData)
  }

  openPart(sealed: Uint8Array, associatedData: Uint8Array): Uint8Array | undefined {
    return gcmOpen(this.key, sealed, associatedData)
  }
}

export function isSealed(bytes: Uint8Array): boolean {
  return bytes.byteLength >= magic.byteLength + sealOverhead && magic.every((b, i) => bytes[i] === b)
}
