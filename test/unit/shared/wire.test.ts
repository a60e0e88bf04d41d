import { describe, expect, it } from 'vitest'
import { decodeWire, encodeWire } from '../../../src/shared/wire'

/** A message written by hand: u32 header length, a JSON header padded to 4 bytes, then raw bytes. */
function message(json: string, tail = new Uint8Array(0)): Uint8Array {
  const header = new TextEncoder().encode(json)
  const start = (4 + header.length + 3) & ~3
  const bytes = new Uint8Array(start + tail.length)
  new DataView(bytes.buffer).setUint32(0, header.length, true)
  bytes.set(header, 4)
  bytes.set(tail, start)
  return bytes
}

describe('wire codec', () => {
  it('carries every typed array the contract carries, as raw bytes beside the JSON, unchanged', () => {
    const photo = Uint8Array.from({ length: 70_001 }, (_, i) => (i * 7) % 256)
    const signal = Float32Array.from([0.5, -1e-7, 3.25, Number.MAX_VALUE, Number.NaN, -0])
    // A view into a larger buffer at an odd offset, as a subarray of a decoded frame would be.
    const view = new Uint8Array(new ArrayBuffer(64), 3, 13).fill(9)
    const value = { photo, nested: { signal, list: [view, new Uint8Array(0), new Float32Array(0)] }, text: 'é 中文', n: 1 }
    const wire = encodeWire(value)
    // Binary, not base64: the message is about as long as the bytes it carries.
    expect(wire.byteLength).toBeLessThan(photo.byteLength + signal.byteLength + view.byteLength + 400)
    const back = decodeWire(wire) as typeof value
    expect(back.photo).toBeInstanceOf(Uint8Array)
    expect(back.photo).toEqual(photo)
    expect(back.nested.signal).toBeInstanceOf(Float32Array)
    expect(Array.from(back.nested.signal)).toEqual(Array.from(signal))
    expect(back.nested.list[0]).toEqual(view)
    expect(back.nested.list[1]).toEqual(new Uint8Array(0))
    expect(back.nested.list[2]).toEqual(new Float32Array(0))
    expect(back.text).toBe('é 中文')
    expect(back.n).toBe(1)
  })

  it("sends Node's Buffer as bytes, not as a list of numbers", () => {
    const back = decodeWire(encodeWire({ image: Buffer.from([1, 2, 3]) })) as { image: Uint8Array }
    expect(back.image).toBeInstanceOf(Uint8Array)
    expect(Array.from(back.image)).toEqual([1, 2, 3])
  })

  it('rejects malformed messages with SyntaxError', () => {
    const float = JSON.stringify({ x: { $blob: 0, $type: 'Float32Array', $bytes: 3 } })
    const cases: Uint8Array[] = [
      new Uint8Array([1, 0]),
      message('{not json'),
      new Uint8Array([200, 0, 0, 0, 123]),
      message(float, new Uint8Array(3)),
      message(JSON.stringify({ x: { $blob: 0, $type: 'Uint8Array', $bytes: 100 } }), new Uint8Array(8)),
      message(JSON.stringify({ x: { $blob: 1, $type: 'Uint8Array', $bytes: 1 } }), new Uint8Array(1)),
      message(JSON.stringify({ x: { $blob: 0, $type: 'BigInt64Array', $bytes: 8 } }), new Uint8Array(8)),
      new Uint8Array([3, 0, 0, 0, 0x22, 0xff, 0x22, 0])
    ]
    for (const bytes of cases) expect(() => decodeWire(bytes)).toThrow(SyntaxError)
  })
})
