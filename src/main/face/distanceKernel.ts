/**
 * The gallery's one matrix product, as a 128-lane WebAssembly SIMD kernel over a shared memory.
 *
 * Why hand-assembled: measured on this 2-core machine at 1e6 templates, tfjs-wasm matMul takes
 * ~130 ms (and a batch of 8 queries ~1.1 s), a 4-way unrolled JS loop ~190 ms; this kernel streams
 * the matrix once at memory speed. It is this loop nest, assembled below into a few hundred bytes
 * so that no toolchain or extra package is needed:
 *
 *   (func $scores (param $queries $queryCount $templates $norms $rows $out i32)
 *     for each template row i:             ; rows outer, so a row is read from RAM once per batch
 *       for each query b:
 *         acc0..acc3 += q[b][16k..16k+3] * t[i][16k..16k+3]   for k = 0..31 (fully unrolled)
 *         out[b * rows + i] = norms[i] - 2 * sum(acc0 + acc1 + acc2 + acc3)))
 */

import { descriptorDimension } from './distance'

// The kernel is unrolled for exactly this width.
const rowBytes = descriptorDimension * 4

const op = {
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  f32Load: 0x2a,
  f32Store: 0x38,
  i32Const: 0x41,
  f32Const: 0x43,
  i32Ne: 0x47,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  f32Add: 0x92,
  f32Sub: 0x93,
  f32Mul: 0x94,
  simd: 0xfd
} as const

const simdOp = { v128Load: [0x00], v128Const: [0x0c], f32x4ExtractLane: [0x1f], f32x4Add: [0xe4, 0x01], f32x4Mul: [0xe6, 0x01] }

const type = { i32: 0x7f, v128: 0x7b, func: 0x60, blockVoid: 0x40 } as const

function leb128(value: number): number[] {
  const bytes: number[] = []
  do {
    let byte = value & 0x7f
    value >>>= 7
    if (value !== 0) byte |= 0x80
    bytes.push(byte)
  } while (value !== 0)
  return bytes
}

function sleb128(value: number): number[] {
  const bytes: number[] = []
  for (;;) {
    const byte = value & 0x7f
    value >>= 7
    const done = (value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)
    bytes.push(done ? byte : byte | 0x80)
    if (done) return bytes
  }
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)]
  return [...leb128(bytes.length), ...bytes]
}

function section(id: number, body: number[]): number[] {
  return [id, ...leb128(body.length), ...body]
}

function vector(items: number[][]): number[] {
  return [...leb128(items.length), ...items.flat()]
}

function f32Bytes(value: number): number[] {
  return [...new Uint8Array(new Float32Array([value]).buffer)]
}

// Parameters and locals by index, as the WebAssembly text above names them.
const queries = 0
const queryCount = 1
const templates = 2
const norms = 3
const rows = 4
const out = 5
const row = 6
const query = 7
const queryPtr = 8
const outPtr = 9
const outRowPtr = 10
const batchStride = 11
const accumulators = [12, 13, 14, 15]

function scoresBody(): number[] {
  const code: number[] = []
  const emit = (...bytes: number[]): void => {
    code.push(...bytes)
  }
  const get = (local: number): void => emit(op.localGet, local)
  const set = (local: number): void => emit(op.localSet, local)
  const addTo = (local: number, amount: number): void => {
    get(local)
    emit(op.i32Const, ...sleb128(amount))
    emit(op.i32Add)
    set(local)
  }

  emit(op.localGet, rows, op.i32Const, 4, op.i32Mul)
  set(batchStride)
  get(out)
  set(outRowPtr)
  emit(op.loop, type.blockVoid)
  get(queries)
  set(queryPtr)
  get(outRowPtr)
  set(outPtr)
  emit(op.i32Const, 0)
  set(query)
  emit(op.loop, type.blockVoid)
  for (const acc of accumulators) {
    emit(op.simd, ...simdOp.v128Const, ...new Array<number>(16).fill(0))
    set(acc)
  }
  for (let k = 0; k < descriptorDimension / 4; k++) {
    const acc = accumulators[k % accumulators.length]
    get(acc)
    get(queryPtr)
    emit(op.simd, ...simdOp.v128Load, 4, ...leb128(16 * k))
    get(templates)
    emit(op.simd, ...simdOp.v128Load, 4, ...leb128(16 * k))
    emit(op.simd, ...simdOp.f32x4Mul, op.simd, ...simdOp.f32x4Add)
    set(acc)
  }
  // out = norm - 2 * horizontal sum of the four accumulators
  get(outPtr)
  get(norms)
  emit(op.f32Load, 2, 0)
  get(accumulators[0])
  get(accumulators[1])
  emit(op.simd, ...simdOp.f32x4Add)
  get(accumulators[2])
  get(accumulators[3])
  emit(op.simd, ...simdOp.f32x4Add, op.simd, ...simdOp.f32x4Add)
  emit(op.localTee, accumulators[0])
  emit(op.simd, ...simdOp.f32x4ExtractLane, 0)
  for (const lane of [1, 2, 3]) {
    get(accumulators[0])
    emit(op.simd, ...simdOp.f32x4ExtractLane, lane, op.f32Add)
  }
  emit(op.f32Const, ...f32Bytes(2), op.f32Mul, op.f32Sub)
  emit(op.f32Store, 2, 0)
  addTo(queryPtr, rowBytes)
  get(outPtr)
  get(batchStride)
  emit(op.i32Add)
  set(outPtr)
  addTo(query, 1)
  get(query)
  get(queryCount)
  emit(op.i32Ne, op.brIf, 0, op.end)
  addTo(templates, rowBytes)
  addTo(norms, 4)
  addTo(outRowPtr, 4)
  addTo(row, 1)
  get(row)
  get(rows)
  emit(op.i32Ne, op.brIf, 0, op.end, op.end)
  const locals = vector([
    [batchStride - row + 1, type.i32],
    [accumulators.length, type.v128]
  ])
  const body = [...locals, ...code]
  return [...leb128(body.length), ...body]
}

function kernelModule(): Uint8Array {
  const params = new Array<number>(6).fill(type.i32)
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([[type.func, ...leb128(params.length), ...params, 0]])),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vector([[0]])),
    ...section(7, vector([[...name('scores'), 0x00, 0]])),
    ...section(10, vector([scoresBody()]))
  ])
}

/**
 * out[b·rows + i] = ‖t_i‖² − 2 q_b·t_i for every query b and template row i (byte addresses into
 * `memory`, all 16-byte aligned). Adding ‖q_b‖² gives the squared distance; the kernel leaves it
 * out because it does not change which templates are nearest. Requires rows ≥ 1, queryCount ≥ 1.
 */
export type ScoreKernel = (
  queries: number,
  queryCount: number,
  templates: number,
  norms: number,
  rows: number,
  out: number
) => void

/**
 * The slice of the WebAssembly API this kernel uses. The node tsconfig has no DOM lib, where
 * WebAssembly's types live, and pulling all of DOM into the main process for four names is worse.
 */
export interface KernelMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}

interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number }) => KernelMemory
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> }
}

const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly

export const pageBytes = 65536

export function kernelMemory(): KernelMemory {
  return new webAssembly.Memory({ initial: 1 })
}

let compiled: object | undefined

export function scoreKernel(memory: KernelMemory): ScoreKernel {
  compiled ??= new webAssembly.Module(kernelModule())
  const instance = new webAssembly.Instance(compiled, { env: { memory } })
  return instance.exports.scores as ScoreKernel
}
