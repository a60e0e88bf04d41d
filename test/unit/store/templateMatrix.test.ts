import { appendFile, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { appendTemplateRows, readTemplateMatrix, writeTemplateMatrix } from '../../../src/main/store/templateMatrix'

const D = 128

function rowsOf(count: number, first: number): Float32Array {
  return Float32Array.from({ length: count * D }, (_, i) => first + i / 7)
}

function concat(...parts: Float32Array[]): Float32Array {
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const part of parts) {
    all.set(part, at)
    at += part.length
  }
  return all
}

describe('template matrix file', () => {
  let folder: string
  let file: string
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'likeness-matrix-'))
    file = path.join(folder, 'templates.f32')
  })
  afterEach(() => rm(folder, { recursive: true, force: true }))

  it('reads a missing file as an empty gallery', async () => {
    expect(await readTemplateMatrix(file, D)).toEqual({ dimension: D, rows: 0, values: new Float32Array(0), ignoredTailBytes: 0 })
  })

  it('round-trips rows bit for bit', async () => {
    const values = rowsOf(3, -1.5)
    await writeTemplateMatrix(file, D, values)
    const read = await readTemplateMatrix(file, D)
    expect(read.rows).toBe(3)
    expect(read.values).toEqual(values)
    expect((await readFile(file)).length).toBe(16 + values.byteLength)
  })

  it('appends to a new and to an existing file', async () => {
    const first = rowsOf(2, 0)
    const second = rowsOf(5, 100)
    expect(await appendTemplateRows(file, D, first)).toBe(2)
    expect(await appendTemplateRows(file, D, second)).toBe(7)
    expect((await readTemplateMatrix(file, D)).values).toEqual(concat(first, second))
  })

  it('compacts by an atomic rewrite that leaves no temporary file behind', async () => {
    await writeTemplateMatrix(file, D, rowsOf(6, 0))
    const survivors = rowsOf(2, 50)
    await writeTemplateMatrix(file, D, survivors)
    expect((await readTemplateMatrix(file, D)).values).toEqual(survivors)
    expect(await readdir(folder)).toEqual(['templates.f32'])
  })

  it('ignores a torn append, and the next append overwrites it', async () => {
    const committed = rowsOf(2, 0)
    await writeTemplateMatrix(file, D, committed)
    // A crash after writing part of a row, before the header counted it.
    await appendFile(file, new Uint8Array(300).fill(0xab))
    const torn = await readTemplateMatrix(file, D)
    expect(torn.values).toEqual(committed)
    expect(torn.ignoredTailBytes).toBe(300)
    const next = rowsOf(1, 9)
    expect(await appendTemplateRows(file, D, next)).toBe(3)
    const healed = await readTemplateMatrix(file, D)
    expect(healed.values).toEqual(concat(committed, next))
    expect(healed.ignoredTailBytes).toBe(0)
  })

  it('reports a file shorter than its header claims as StoreCorrupt, for reads and appends', async () => {
    await writeTemplateMatrix(file, D, rowsOf(2, 0))
    await truncate(file, 16 + 2 * D * 4 - 5)
    const storeCorrupt = expect.objectContaining({ kind: 'StoreCorrupt' })
    await expect(readTemplateMatrix(file, D)).rejects.toThrow(storeCorrupt)
    await expect(appendTemplateRows(file, D, rowsOf(1, 0))).rejects.toThrow(storeCorrupt)
  })

  it('rejects a foreign file, another width and a stub as StoreCorrupt', async () => {
    const storeCorrupt = expect.objectContaining({ kind: 'StoreCorrupt' })
    await writeFile(file, 'this is not a matrix of templates')
    await expect(readTemplateMatrix(file, D)).rejects.toThrow(storeCorrupt)
    await writeTemplateMatrix(file, 64, new Float32Array(64))
    await expect(readTemplateMatrix(file, D)).rejects.toThrow(storeCorrupt)
    await writeFile(file, 'LKTM')
    await expect(readTemplateMatrix(file, D)).rejects.toThrow(storeCorrupt)
  })

  it('refuses values that do not make whole rows', async () => {
    await expect(appendTemplateRows(file, D, new Float32Array(D + 1))).rejects.toThrow(expect.objectContaining({ kind: 'BadRequest' }))
  })
})
