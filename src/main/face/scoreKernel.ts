/**
 * The gallery's one matrix product, as a WebAssembly SIMD kernel over 8-bit template codes.
 *
 * Why: measured on this 2-core machine at 1e6 templates, tfjs-wasm matMul takes ~130 ms (a batch
 * of 8 queries ~1.1 s), a 4-way unrolled JS loop ~190 ms, the same kernel on float32 rows ~34 ms,
 * bound by streaming 512 MB from RAM. Codes are a quarter of that, and with an error bound per
 * score the gallery still finds the exact neighbours (see `quantize` and Gallery.nearestRows).
 * The loop nest, assembled below into a few hundred bytes so that no toolchain is needed:
 *
 *   (func $scores (param $queries $factors $queryCount $codes $scales $norms $rows $out i32)
 *     for each template row i:            ; rows outer: a row is read from RAM once per batch
 *       for each query b:
 *         acc0, acc1 += i32x4.dot_i16x8_s(extend(c_i[16k..16k+15]), q_b[16k..16k+15])  k = 0..7
 *         out[b·rows + i] = norms[i] − factors[b] · scales[i] · f32(Σ lanes(acc0 + acc1)))
 */

import { descriptorDimension } from '../../shared/api/face'
import { leb128, name, op, section, simdOp, sleb128, type, vector } from './wasmBinary'

// The kernel is unrolled for exactly this width, in chunks of 16 codes.
const chunks = descriptorDimension / 16

// Parameters and locals by index, as the WebAssembly text above names them.
const local = {
  queries: 0,
  factors: 1,
  queryCount: 2,
  codes: 3,
  scales: 4,
  norms: 5,
  rows: 6,
  out: 7,
  row: 8,
  query: 9,
  queryPtr: 10,
  factorPtr: 11,
  outPtr: 12,
  outRowPtr: 13,
  batchStride: 14,
  acc0: 15,
  acc1: 16,
  chunk: 17
} as const
const parameterCount = 8

function scoresBody(): number[] {
  const code: number[] = []
  const emit = (...bytes: number[]): void => {
    code.push(...bytes)
  }
  const get = (index: number): void => emit(op.localGet, index)
  const set = (index: number): void => emit(op.localSet, index)
  const addTo = (index: number, amount: number): void => {
    get(index)
    emit(op.i32Const, ...sleb128(amount), op.i32Add)
    set(index)
  }
  const load = (pointer: number, offset: number): void => {
    get(pointer)
    emit(op.simd, ...simdOp.v128Load, 4, ...leb128(offset))
  }
  const accumulate = (acc: number): void => {
    emit(op.simd, ...simdOp.i32x4DotI16)
    get(acc)
    emit(op.simd, ...simdOp.i32x4Add)
    set(acc)
  }

  emit(op.localGet, local.rows, op.i32Const, 4, op.i32Mul)
  set(local.batchStride)
  get(local.out)
  set(local.outRowPtr)
  emit(op.loop, type.blockVoid)
  get(local.queries)
  set(local.queryPtr)
  get(local.factors)
  set(local.factorPtr)
  get(local.outRowPtr)
  set(local.outPtr)
  emit(op.i32Const, 0)
  set(local.query)
  emit(op.loop, type.blockVoid)
  for (const acc of [local.acc0, local.acc1]) {
    emit(op.simd, ...simdOp.v128Const, ...new Array<number>(16).fill(0))
    set(acc)
  }
  for (let k = 0; k < chunks; k++) {
    // 16 int8 codes widen to two int16x8 halves; each meets 8 int16 query codes in one dot.
    load(local.codes, 16 * k)
    emit(op.localTee, local.chunk, op.simd, ...simdOp.i16x8ExtendLowI8)
    load(local.queryPtr, 32 * k)
    accumulate(local.acc0)
    get(local.chunk)
    emit(op.simd, ...simdOp.i16x8ExtendHighI8)
    load(local.queryPtr, 32 * k + 16)
    accumulate(local.acc1)
  }
  get(local.outPtr)
  get(local.norms)
  emit(op.f32Load, 2, 0)
  get(local.acc0)
  get(local.acc1)
  emit(op.simd, ...simdOp.i32x4Add, op.localTee, local.acc0, op.simd, ...simdOp.i32x4ExtractLane, 0)
  for (const lane of [1, 2, 3]) {
    get(local.acc0)
    emit(op.simd, ...simdOp.i32x4ExtractLane, lane, op.i32Add)
  }
  emit(op.f32ConvertI32)
  get(local.factorPtr)
  emit(op.f32Load, 2, 0, op.f32Mul)
  get(local.scales)
  emit(op.f32Load, 2, 0, op.f32Mul, op.f32Sub, op.f32Store, 2, 0)
  addTo(local.queryPtr, queryRowBytes)
  addTo(local.factorPtr, 4)
  get(local.outPtr)
  get(local.batchStride)
  emit(op.i32Add)
  set(local.outPtr)
  addTo(local.query, 1)
  get(local.query)
  get(local.queryCount)
  emit(op.i32Ne, op.brIf, 0, op.end)
  addTo(local.codes, codeRowBytes)
  addTo(local.scales, 4)
  addTo(local.norms, 4)
  addTo(local.outRowPtr, 4)
  addTo(local.row, 1)
  get(local.row)
  get(local.rows)
  emit(op.i32Ne, op.brIf, 0, op.end, op.end)
  const locals = vector([
    [local.acc0 - local.row, type.i32],
    [local.chunk - local.acc0 + 1, type.v128]
  ])
  const body = [...locals, ...code]
  return [...leb128(body.length), ...body]
}

function kernelModule(): Uint8Array {
  const params = new Array<number>(parameterCount).fill(type.i32)
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([[type.func, ...leb128(params.length), ...params, 0]])),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vector([[0]])),
    ...section(7, vector([[...name('scores'), 0x00, 0]])),
    ...section(10, vector([scoresBody()]))
  ])
}

/** Bytes per template row of codes, and per query row of codes. */
export const codeRowBytes = descriptorDimension
export const queryRowBytes = descriptorDimension * 2

/**
 * out[b·rows + i] = norms[i] − factors[b]·scales[i]·(q_b codes · t_i codes) for every query b
 * and row i: with factors[b] = 2·scale(q_b), an estimate of ‖t_i‖² − 2 q_b·t_i. Arguments are
 * byte addresses into the memory, all 16-byte aligned; rows ≥ 1, queryCount ≥ 1.
 */
export type ScoreKernel = (
  queries: number,
  factors: number,
  queryCount: number,
  codes: number,
  scales: number,
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
