import { describe, expect, it } from 'vitest'
import { decodeWire, encodeWire } from '../../../src/shared/wire'

describe('wire codec', () => {
  it('carries bytes and floats through JSON unchanged', () => {
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256)
    const floats = Float32Array.from([0.5, -1e-7, 3.25, Number.MAX_VALUE])
    const back = decodeWire(encodeWire({ bytes, nested: { floats }, text: 'é' })) as { bytes: Uint8Array; nested: { floats: Float32Array }; text: string }
    expect(back.bytes).toBeInstanceOf(Uint8Array)
    expect(Array.from(back.bytes)).toEqual(Array.from(bytes))
    expect(back.nested.floats).toBeInstanceOf(Float32Array)
    expect(Array.from(back.nested.floats)).toEqual(Array.from(floats))
    expect(back.text).toBe('é')
  })

  it('rejects a float payload that is not whole floats', () => {
    expect(() => decodeWire(JSON.stringify({ $type: 'Float32Array', $bytes: btoa('abc') }))).toThrow(SyntaxError)
  })
})
