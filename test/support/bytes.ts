/**
 * Whether `bytes` have the byte counts of uniformly random bytes: Pearson's χ² of the 256 counts
 * against n/256 each, 255 degrees of freedom. Random bytes exceed 440 once in about 2·10¹¹ (so a
 * suite that asks thousands of times never fails by chance: the earlier entropy bound was met only
 * 98.4% of the time at 1 kB), while float rows, JSON or image data score in the thousands.
 */
export function looksRandom(bytes: Uint8Array): boolean {
  const n = bytes.byteLength
  if (n < 1024) throw new Error(`${n} bytes are too few to judge their randomness`)
  const counts = new Array<number>(256).fill(0)
  for (const b of bytes) counts[b]!++
  const expected = n / 256
  const chiSquare = counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0)
  return chiSquare < 440
}

/** Whether any `window`-byte piece of `needle`, taken at every 4-byte (one float) step, occurs in `haystack`. */
export function containsAnyWindow(haystack: Uint8Array, needle: Uint8Array, window: number): boolean {
  const hay = Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength)
  for (let start = 0; start + window <= needle.byteLength; start += 4) {
    if (hay.indexOf(Buffer.from(needle.buffer, needle.byteOffset + start, window)) >= 0) return true
  }
  return false
}

// Six bytes or more each: the migration test scans about 3·10⁸ bytes of ciphertext a run, where a
// four-byte pattern turns up by chance about once in 2³² positions (measured: the test failed about
// every other run on a sealed file "holding" FF D8 FF E0 or IHDR), and a six-byte one once in 2⁴⁸.
const jpegStarts = [
  [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], // JFIF: APP0 of fixed length 16
  [0xff, 0xd8, 0xff, 0xdb, 0x00, 0x43], // no APP segment: a quantisation table first
  [0xff, 0xd8, 0xff, 0xdb, 0x00, 0x84],
  [0xff, 0xd8, 0xff, 0xee, 0x00, 0x0e] // Adobe APP14
].map((bytes) => Buffer.from(bytes))
const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
// Each with what precedes or follows it in its header: JFIF's and Exif's terminators, IHDR's fixed length, IDAT's chunk type after a length below 16 MB.
const imageWords: [string, Buffer][] = [
  ['JFIF', Buffer.from('JFIF\0\x01', 'latin1')],
  ['Exif', Buffer.from('Exif\0\0', 'latin1')],
  ['IHDR', Buffer.from([0, 0, 0, 0x0d, ...Buffer.from('IHDR', 'latin1')])]
]

/**
 * The image signatures found anywhere in `bytes`: the start of a JPEG (SOI, its first marker and
 * that segment's length), PNG's signature, and the headers of JFIF, Exif and PNG.
 */
export function imageSignatures(bytes: Uint8Array): string[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const found: string[] = []
  if (jpegStarts.some((start) => buffer.indexOf(start) >= 0)) found.push('JPEG')
  if (buffer.indexOf(pngSignature) >= 0) found.push('PNG')
  for (const [word, pattern] of imageWords) if (buffer.indexOf(pattern) >= 0) found.push(word)
  return found
}
