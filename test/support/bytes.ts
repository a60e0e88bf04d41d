/** Shannon entropy in bits per byte: ≈ 8 for ciphertext, well under for JSON, JPEG headers or float rows. */
export function byteEntropy(bytes: Uint8Array): number {
  const counts = new Array<number>(256).fill(0)
  for (const b of bytes) counts[b]!++
  let bits = 0
  for (const count of counts) {
    if (count === 0) continue
    const p = count / bytes.length
    bits -= p * Math.log2(p)
  }
  return bits
}

/**
 * Whether `bytes` have the byte entropy of uniformly random bytes of their length. The plug-in
 * estimate of n random bytes falls short of 8 bits by about 255 / (2 n ln 2) (Miller's bias), with
 * a spread of about √510 / (2 n ln 2); 0.05 bits below that is more than 4 spreads at 1 kB.
 */
export function looksRandom(bytes: Uint8Array): boolean {
  const n = bytes.byteLength
  if (n < 1024) throw new Error(`${n} bytes are too few to judge their entropy`)
  return byteEntropy(bytes) > 8 - 255 / (2 * n * Math.LN2) - 0.05
}

/** Whether any `window`-byte piece of `needle`, taken at every 4-byte (one float) step, occurs in `haystack`. */
export function containsAnyWindow(haystack: Uint8Array, needle: Uint8Array, window: number): boolean {
  const hay = Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength)
  for (let start = 0; start + window <= needle.byteLength; start += 4) {
    if (hay.indexOf(Buffer.from(needle.buffer, needle.byteOffset + start, window)) >= 0) return true
  }
  return false
}

const jpegStarts = [0xe0, 0xe1, 0xdb, 0xee].map((marker) => Buffer.from([0xff, 0xd8, 0xff, marker]))
const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const imageWords = ['JFIF\0', 'Exif\0', 'IHDR', 'IDAT'].map((word) => Buffer.from(word, 'latin1'))

/**
 * The image signatures found anywhere in `bytes`: the start of a JPEG (SOI and its first marker),
 * PNG's signature, and the words of JFIF, Exif and PNG headers. Four bytes or more each, so random
 * bytes show one by chance about once in 2³² positions.
 */
export function imageSignatures(bytes: Uint8Array): string[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const found: string[] = []
  if (jpegStarts.some((start) => buffer.indexOf(start) >= 0)) found.push('JPEG')
  if (buffer.indexOf(pngSignature) >= 0) found.push('PNG')
  for (const word of imageWords) if (buffer.indexOf(word) >= 0) found.push(word.toString('latin1').replace('\0', ''))
  return found
}
