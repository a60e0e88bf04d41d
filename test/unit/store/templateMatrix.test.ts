import { appendFile, copyFile, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataKey } from '../../../src/main/store/crypto/dataKey'
import { appendTemplateRows, readTemplateMatrix, sealPlainTemplateMatrix, writeTemplateMatrix } from '../../../src/main/store/templateMatrix'
import { containsAnyWindow, looksRandom } from '../../support/bytes'
import { plainMatrix } from '../../support/legacyMatrix'

const D = 128
/** Header, then per chunk its row count, nonce and tag around the rows. */
const headerBytes = 64
const chunkOverhead = 4 + 12 + 16

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

const storeCorrupt = expect.objectContaining({ kind: 'StoreCorrupt' })

describe('template matrix file', () => {
  let folder: string
  let file: string
  const key = DataKey.generate()
  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'likeness-matrix-'))
    file = path.join(folder, 'templates-1.lktm')
  })
  afterEach(() => rm(folder, { recursive: true, force: true }))

  it('reads a missing file as an empty gallery', async () => {
    expect(await readTemplateMatrix(file, D, key)).toEqual({ dimension: D, rows: 0, values: new Float32Array(0), ignoredTailBytes: 0 })
  })

  it('round-trips rows bit for bit, sealed: no row is readable on disk', async () => {
    const values = rowsOf(3, -1.5)
    await writeTemplateMatrix(file, D, values, key)
    const read = await readTemplateMatrix(file, D, key)
    expect(read.rows).toBe(3)
    expect(read.values).toEqual(values)
    const disk = new Uint8Array(await readFile(file))
    expect(disk.length).toBe(headerBytes + chunkOverhead + values.byteLength)
    expect(containsAnyWindow(disk, new Uint8Array(values.buffer), 16)).toBe(false)
    expect(looksRandom(disk.subarray(headerBytes))).toBe(true)
  })

  it('appends to a new and to an existing file, one chunk per append', async () => {
    const first = rowsOf(2, 0)
    const second = rowsOf(5, 100)
    expect(await appendTemplateRows(file, D, first, key)).toBe(2)
    expect(await appendTemplateRows(file, D, second, key)).toBe(7)
    expect((await readTemplateMatrix(file, D, key)).values).toEqual(concat(first, second))
    expect((await readFile(file)).length).toBe(headerBytes + 2 * chunkOverhead + (first.byteLength + second.byteLength))
  })

  it('compacts by an atomic rewrite that leaves no temporary file behind', async () => {
    await writeTemplateMatrix(file, D, rowsOf(6, 0), key)
    const survivors = rowsOf(2, 50)
    await writeTemplateMatrix(file, D, survivors, key)
    expect((await readTemplateMatrix(file, D, key)).values).toEqual(survivors)
    expect(await readdir(folder)).toEqual(['templates-1.lktm'])
  })

  it('ignores a torn append, and the next append overwrites it', async () => {
    const committed = rowsOf(2, 0)
    await writeTemplateMatrix(file, D, committed, key)
    // A crash after writing part of a chunk, before the header counted it.
    await appendFile(file, new Uint8Array(300).fill(0xab))
    const torn = await readTemplateMatrix(file, D, key)
    expect(torn.values).toEqual(committed)
    expect(torn.ignoredTailBytes).toBe(300)
    const next = rowsOf(1, 9)
    expect(await appendTemplateRows(file, D, next, key)).toBe(3)
    const healed = await readTemplateMatrix(file, D, key)
    expect(healed.values).toEqual(concat(committed, next))
    expect(healed.ignoredTailBytes).toBe(0)
  })

  it('reports a file shorter than its header claims as StoreCorrupt, for reads and appends', async () => {
    await writeTemplateMatrix(file, D, rowsOf(2, 0), key)
    await truncate(file, headerBytes + chunkOverhead + 2 * D * 4 - 5)
    await expect(readTemplateMatrix(file, D, key)).rejects.toThrow(storeCorrupt)
    await expect(appendTemplateRows(file, D, rowsOf(1, 0), key)).rejects.toThrow(storeCorrupt)
  })

  it('rejects a foreign file, another width and a stub as StoreCorrupt', async () => {
    await writeFile(file, 'this is not a matrix of templates')
    await expect(readTemplateMatrix(file, D, key)).rejects.toThrow(storeCorrupt)
    await writeTemplateMatrix(file, 64, new Float32Array(64), key)
    await expect(readTemplateMatrix(file, D, key)).rejects.toThrow(storeCorrupt)
    await writeFile(file, 'LKTM')
    await expect(readTemplateMatrix(file, D, key)).rejects.toThrow(storeCorrupt)
  })

  it('refuses values that do not make whole rows', async () => {
    await expect(appendTemplateRows(file, D, new Float32Array(D + 1), key)).rejects.toThrow(expect.objectContaining({ kind: 'BadRequest' }))
  })

  it('under another key reads nothing and changes nothing', async () => {
    await writeTemplateMatrix(file, D, rowsOf(2, 0), key)
    const before = await readFile(file)
    await expect(readTemplateMatrix(file, D, DataKey.generate())).rejects.toThrow(storeCorrupt)
    await expect(appendTemplateRows(file, D, rowsOf(1, 0), DataKey.generate())).rejects.toThrow(storeCorrupt)
    expect((await readFile(file)).equals(before)).toBe(true)
  })

  it('notices a changed count, a changed row byte, and a file under another name', async () => {
    await appendTemplateRows(file, D, rowsOf(1, 0), key)
    await appendTemplateRows(file, D, rowsOf(1, 5), key)
    const good = new Uint8Array(await readFile(file))
    const fewerRows = new Uint8Array(good)
    new DataView(fewerRows.buffer).setUint32(12, 1, true)
    const flippedRow = new Uint8Array(good)
    flippedRow[headerBytes + 20]! ^= 1
    for (const bad of [fewerRows, flippedRow]) {
      await writeFile(file, bad)
      await expect(readTemplateMatrix(file, D, key)).rejects.toThrow(storeCorrupt)
    }
    await writeFile(file, good)
    const renamed = path.join(folder, 'templates-2.lktm')
    await copyFile(file, renamed)
    await expect(readTemplateMatrix(renamed, D, key)).rejects.toThrow(storeCorrupt)
  })

  it('seals a plaintext matrix from before encryption in place, once, and refuses to use one unsealed', async () => {
    const values = rowsOf(3, 2)
    // The check below can fail: plaintext rows are far from random bytes.
    expect(looksRandom(plainMatrix(values))).toBe(false)
    await writeFile(file, plainMatrix(values))
    await expect(readTemplateMatrix(file, D, key)).rejects.toThrow(storeCorrupt)
    await expect(appendTemplateRows(file, D, rowsOf(1, 0), key)).rejects.toThrow(storeCorrupt)
    expect(await sealPlainTemplateMatrix(file, D, key)).toBe(true)
    expect(await sealPlainTemplateMatrix(file, D, key)).toBe(false)
    expect((await readTemplateMatrix(file, D, key)).values).toEqual(values)
    expect(containsAnyWindow(new Uint8Array(await readFile(file)), new Uint8Array(values.buffer), 16)).toBe(false)
    expect(await readdir(folder)).toEqual(['templates-1.lktm'])
  })
})
