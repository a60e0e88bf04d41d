import { descriptorDimension } from '../../src/shared/api/face'

/** A template matrix as Likeness wrote it before encryption: "LKTM", version 1, width, rows, then the floats in the clear. */
export function plainMatrix(values: Float32Array, width = descriptorDimension): Uint8Array {
  const bytes = new Uint8Array(16 + values.byteLength)
  const view = new DataView(bytes.buffer)
  bytes.set(new TextEncoder().encode('LKTM'), 0)
  view.setUint32(4, 1, true)
  view.setUint32(8, width, true)
  view.setUint32(12, values.length / width, true)
  bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), 16)
  return bytes
}
