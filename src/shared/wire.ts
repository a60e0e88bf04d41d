/**
 * JSON with binary, for the browser-mode bridge: photos, camera frames, previews and embeddings
 * travel as raw bytes beside a JSON header, not as base64 inside it (a third larger, and an
 * encode and decode on every frame of a live camera).
 *
 *   u32 little-endian: header length H | H bytes of UTF-8 JSON | the typed arrays' bytes, each at
 *   a multiple of 4 from the start of the message, in order
 *
 * In the JSON, a typed array is {"$blob": index, "$type": …, "$bytes": length}.
 */
const typedArrays = { Uint8Array, Float32Array } as const
type TypedArrayName = keyof typeof typedArrays
type Blob = { $blob: number; $type: TypedArrayName; $bytes: number }

const align = (offset: number): number => (offset + 3) & ~3

function typeOf(value: unknown): TypedArrayName | undefined {
  if (value instanceof Float32Array) return 'Float32Array'
  if (value instanceof Uint8Array) return 'Uint8Array'
  return undefined
}

export function encodeWire(value: unknown): Uint8Array {
  const blobs: Uint8Array[] = []
  // `this[key]` is the value before toJSON: Node's Buffer would otherwise arrive as a list of numbers.
  const json = JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    const original = this[key]
    const type = typeOf(original)
    if (!type) return v
    const array = original as Uint8Array | Float32Array
    blobs.push(new Uint8Array(array.buffer, array.byteOffset, array.byteLength))
    return { $blob: blobs.length - 1, $type: type, $bytes: array.byteLength } satisfies Blob
  })
  const header = new TextEncoder().encode(json ?? 'null')
  let length = align(4 + header.length)
  const offsets = blobs.map((blob) => {
    const offset = length
    length = align(offset + blob.length)
    return offset
  })
  const message = new Uint8Array(length)
  new DataView(message.buffer).setUint32(0, header.length, true)
  message.set(header, 4)
  blobs.forEach((blob, i) => message.set(blob, offsets[i]!))
  return message
}

function isBlob(v: unknown): v is Blob {
  return typeof v === 'object' && v !== null && typeof (v as Blob).$blob === 'number' && typeof (v as Blob).$type === 'string' && typeof (v as Blob).$bytes === 'number'
}

/** Parses a bridge message; throws SyntaxError on anything malformed (the caller answers BadRequest). */
export function decodeWire(message: Uint8Array): unknown {
  if (message.byteLength < 4) throw new SyntaxError('a message shorter than its header length')
  const headerLength = new DataView(message.buffer, message.byteOffset, message.byteLength).getUint32(0, true)
  if (4 + headerLength > message.byteLength) throw new SyntaxError('a header longer than the message')
  let json: string
  try {
    json = new TextDecoder('utf-8', { fatal: true }).decode(message.subarray(4, 4 + headerLength))
  } catch {
    throw new SyntaxError('a header that is not UTF-8')
  }
  // Blobs are laid out in the order their index says: each starts where the previous one ended, aligned.
  let next = align(4 + headerLength)
  let expected = 0
  return JSON.parse(json, (_key, v: unknown) => {
    if (!isBlob(v)) return v
    const Type = typedArrays[v.$type]
    if (!Type || v.$blob !== expected || !Number.isInteger(v.$bytes) || v.$bytes < 0) throw new SyntaxError('a malformed binary reference')
    if (next + v.$bytes > message.byteLength) throw new SyntaxError('binary data past the end of the message')
    if (v.$bytes % Type.BYTES_PER_ELEMENT !== 0) throw new SyntaxError(`${v.$type} payload is not a whole number of elements`)
    // A copy: the value must not keep the whole message alive, nor depend on its alignment.
    const bytes = message.slice(next, next + v.$bytes)
    expected++
    next = align(next + v.$bytes)
    return v.$type === 'Uint8Array' ? bytes : new Float32Array(bytes.buffer, 0, v.$bytes / 4)
  })
}
