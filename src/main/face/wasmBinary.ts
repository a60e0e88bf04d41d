/**
 * Just enough of the WebAssembly binary format to assemble a small module by hand, so that the
 * gallery's kernel needs no toolchain: opcodes, LEB128 integers, names, sections, vectors.
 * (WebAssembly Core Specification, §5 Binary Format.)
 */

export const op = {
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  f32Load: 0x2a,
  f32Store: 0x38,
  i32Const: 0x41,
  i32Ne: 0x47,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  f32Sub: 0x93,
  f32Mul: 0x94,
  f32ConvertI32: 0xb2,
  simd: 0xfd
} as const

export const simdOp = {
  v128Load: [0x00],
  v128Const: [0x0c],
  i32x4ExtractLane: [0x1b],
  i16x8ExtendLowI8: [0x87, 0x01],
  i16x8ExtendHighI8: [0x88, 0x01],
  i32x4Add: [0xae, 0x01],
  i32x4DotI16: [0xba, 0x01]
}

export const type = { i32: 0x7f, v128: 0x7b, func: 0x60, blockVoid: 0x40 } as const

export function leb128(value: number): number[] {
  const bytes: number[] = []
  do {
    let byte = value & 0x7f
    value >>>= 7
    if (value !== 0) byte |= 0x80
    bytes.push(byte)
  } while (value !== 0)
  return bytes
}

export function sleb128(value: number): number[] {
  const bytes: number[] = []
  for (;;) {
    const byte = value & 0x7f
    value >>= 7
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)
    bytes.push(done ? byte : byte | 0x80)
    if (done) return bytes
  }
}

export function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)]
  return [...leb128(bytes.length), ...bytes]
}

export function section(id: number, body: number[]): number[] {
  return [id, ...leb128(body.length), ...body]
}

export function vector(items: number[][]): number[] {
  return [...leb128(items.length), ...items.flat()]
}

