/**
 * JSON with binary: the web bridge carries photos, previews and embeddings, which JSON alone
 * cannot. Typed arrays travel as tagged base64 and come back as the same typed array.
 */
type Tagged = { $bytes: string; $type: 'Uint8Array' | 'Float32Array' }

function toBase64(bytes: Uint8Array): string {
  let binary = ''
  const chunk = 0x8000
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk))
  }
  return btoa(binary)
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

export function encodeWire(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Float32Array) {
      return { $type: 'Float32Array', $bytes: toBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) } satisfies Tagged
    }
    if (v instanceof Uint8Array) return { $type: 'Uint8Array', $bytes: toBase64(v) } satisfies Tagged
    return v
  })
}

function isTagged(v: unknown): v is Tagged {
  return typeof v === 'object' && v !== null && typeof (v as Tagged).$bytes === 'string' && typeof (v as Tagged).$type === 'string'
}

/** Parses bridge text; throws SyntaxError on malformed JSON (the caller answers BadRequest). */
export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (!isTagged(v)) return v
    const bytes = fromBase64(v.$bytes)
    if (v.$type === 'Float32Array') {
      if (bytes.byteLength % 4 !== 0) throw new SyntaxError('Float32Array payload is not a whole number of floats')
      return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)
    }
    return bytes
  })
}
