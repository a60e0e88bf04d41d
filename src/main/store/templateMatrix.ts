import { open, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { writeFileAtomic } from './atomicWrite'
import type { DataKey } from './crypto/dataKey'
import { sealOverhead } from './crypto/aesGcm'
import { LikenessError } from '../../shared/errors'

/**
 * The gallery's templates on disk, sealed under the data key: a 64-byte header, then one
 * AES-256-GCM chunk per append, so enrolling one person writes one small chunk and never
 * re-encrypts the gallery.
 *
 *   offset 0  "LKTM"                 magic
 *   offset 4  u32 version (2)        1 was plaintext rows; read only to migrate a folder
 *   offset 8  u32 dimension          values per row (128 for the dlib encoder)
 *   offset 12 u32 rows               rows committed
 *   offset 16 u32 chunks             chunks committed
 *   offset 24 u64 end                bytes of the header and the committed chunks; after them, a torn append
 *   offset 32 nonce | tag (28)       GCM over bytes 0–31: no count can be changed unseen
 *   offset 64 chunks: u32 rows | nonce | rows × dimension × f32, encrypted | tag
 *
 * Each chunk is sealed with the file's name, its index, its first row and its row count as
 * associated data, so a chunk cannot be moved, dropped or swapped between files. All
 * little-endian. Row i belongs to db.json's templates[i]. The matrix is decrypted once into
 * memory, where the search runs on plain floats; only the disk holds ciphertext.
 */
const magic = 'LKTM'
const plainVersion = 1
const sealedVersion = 2
const plainHeaderBytes = 16
const headerBytes = 64
const headerSealedPart = 32
const chunkPrefixBytes = 4
/** 8 MB of rows per chunk when a whole matrix is written: a compaction need not hold two copies of a huge gallery at once. */
const rowsPerWrittenChunk = 16_384

/** The gallery names its matrix files templates-<something>.lktm, in the data folder itself. */
export function isTemplateFileName(name: string): boolean {
  return /^templates-[^/\\]*\.lktm$/.test(name)
}

export interface TemplateMatrix {
  dimension: number
  rows: number
  /** rows × dimension values, row-major. */
  values: Float32Array
  /** Bytes after the committed chunks, left by an append that crashed before its header update. */
  ignoredTailBytes: number
}

interface Header {
  rows: number
  chunks: number
  end: number
}

const encoder = new TextEncoder()

function associated(kind: 'header' | 'chunk', file: string, fields: Uint8Array): Uint8Array {
  const name = encoder.encode(`likeness:matrix-${kind}:${path.basename(file)}:`)
  const data = new Uint8Array(name.byteLength + fields.byteLength)
  data.set(name, 0)
  data.set(fields, name.byteLength)
  return data
}

function chunkFields(index: number, firstRow: number, rows: number): Uint8Array {
  const fields = new Uint8Array(12)
  const view = new DataView(fields.buffer)
  view.setUint32(0, index, true)
  view.setUint32(4, firstRow, true)
  view.setUint32(8, rows, true)
  return fields
}

function sealedHeader(file: string, key: DataKey, dimension: number, { rows, chunks, end }: Header): Uint8Array {
  const bytes = new Uint8Array(headerBytes)
  const view = new DataView(bytes.buffer)
  bytes.set(encoder.encode(magic), 0)
  view.setUint32(4, sealedVersion, true)
  view.setUint32(8, dimension, true)
  view.setUint32(12, rows, true)
  view.setUint32(16, chunks, true)
  view.setBigUint64(24, BigInt(end), true)
  bytes.set(key.sealPart(new Uint8Array(0), associated('header', file, bytes.subarray(0, headerSealedPart))), headerSealedPart)
  return bytes
}

function sealedChunk(file: string, key: DataKey, index: number, firstRow: number, values: Float32Array, dimension: number): Uint8Array {
  const rows = values.length / dimension
  const sealed = key.sealPart(bytesOf(values), associated('chunk', file, chunkFields(index, firstRow, rows)))
  const chunk = new Uint8Array(chunkPrefixBytes + sealed.byteLength)
  new DataView(chunk.buffer).setUint32(0, rows, true)
  chunk.set(sealed, chunkPrefixBytes)
  return chunk
}

function bytesOf(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength)
}

function checkValues(values: Float32Array, dimension: number): void {
  if (!Number.isInteger(dimension) || dimension < 1 || values.length % dimension !== 0) {
    throw new LikenessError('BadRequest', `${values.length} values do not make rows of ${dimension}`)
  }
}

async function writeFully(file: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await file.write(bytes, done, bytes.length - done, position + done)
    done += bytesWritten
  }
}

async function readFully(file: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesRead } = await file.read(bytes, done, bytes.length - done, position + done)
    if (bytesRead === 0) throw new LikenessError('StoreCorrupt', 'the template matrix ended while being read')
    done += bytesRead
  }
}

function corrupt(file: string, why: string, detail: Record<string, unknown> = {}): LikenessError {
  return new LikenessError('StoreCorrupt', `${path.basename(file)}: ${why}`, { file, ...detail })
}

/** The magic, version and width every version shares; returns the version and the file's length. */
async function readPreamble(handle: FileHandle, file: string, dimension: number): Promise<{ version: number; fileBytes: number }> {
  const fileBytes = (await handle.stat()).size
  if (fileBytes < plainHeaderBytes) throw corrupt(file, 'shorter than its header', { fileBytes })
  const bytes = new Uint8Array(plainHeaderBytes)
  await readFully(handle, bytes, 0)
  const view = new DataView(bytes.buffer)
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== magic) throw corrupt(file, 'not a template matrix')
  const version = view.getUint32(4, true)
  if (version !== plainVersion && version !== sealedVersion) throw corrupt(file, 'unknown version', { version })
  if (view.getUint32(8, true) !== dimension) throw corrupt(file, 'rows of the wrong width', { dimension: view.getUint32(8, true), expected: dimension })
  return { version, fileBytes }
}

/** Reads and authenticates a sealed header. */
async function readHeader(handle: FileHandle, file: string, dimension: number, key: DataKey): Promise<Header & { fileBytes: number }> {
  const { version, fileBytes } = await readPreamble(handle, file, dimension)
  if (version === plainVersion) throw corrupt(file, 'plaintext templates in a folder where they are kept encrypted')
  if (fileBytes < headerBytes) throw corrupt(file, 'shorter than its header', { fileBytes })
  const bytes = new Uint8Array(headerBytes)
  await readFully(handle, bytes, 0)
  if (!key.openPart(bytes.subarray(headerSealedPart, headerSealedPart + sealOverhead), associated('header', file, bytes.subarray(0, headerSealedPart)))) {
    throw corrupt(file, 'its header does not authenticate: damaged, or sealed under another key')
  }
  const view = new DataView(bytes.buffer)
  const header = { rows: view.getUint32(12, true), chunks: view.getUint32(16, true), end: Number(view.getBigUint64(24, true)) }
  if (fileBytes < header.end) throw corrupt(file, 'truncated', { ...header, fileBytes })
  return { ...header, fileBytes }
}

async function openForReading(file: string): Promise<FileHandle | undefined> {
  try {
    return await open(file, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** A missing file is an empty gallery; a damaged, foreign-keyed or plaintext one is StoreCorrupt, never a guess. */
export async function readTemplateMatrix(file: string, dimension: number, key: DataKey): Promise<TemplateMatrix> {
  const handle = await openForReading(file)
  if (!handle) return { dimension, rows: 0, values: new Float32Array(0), ignoredTailBytes: 0 }
  try {
    const { rows, chunks, end, fileBytes } = await readHeader(handle, file, dimension, key)
    const body = new Uint8Array(end - headerBytes)
    await readFully(handle, body, headerBytes)
    const values = new Float32Array(rows * dimension)
    const view = new DataView(body.buffer)
    let offset = 0
    let row = 0
    for (let index = 0; index < chunks; index++) {
      if (offset + chunkPrefixBytes > body.byteLength) throw corrupt(file, 'fewer chunks than its header counts', { chunks, index })
      const chunkRows = view.getUint32(offset, true)
      const sealedBytes = chunkRows * dimension * 4 + sealOverhead
      const start = offset + chunkPrefixBytes
      if (row + chunkRows > rows || start + sealedBytes > body.byteLength) throw corrupt(file, 'a chunk runs past the committed rows', { index })
      const plain = key.openPart(body.subarray(start, start + sealedBytes), associated('chunk', file, chunkFields(index, row, chunkRows)))
      if (!plain) throw corrupt(file, `chunk ${index} does not decrypt: damaged, moved, or sealed under another key`, { index })
      values.set(new Float32Array(plain.buffer, plain.byteOffset, plain.byteLength / 4), row * dimension)
      plain.fill(0)
      row += chunkRows
      offset = start + sealedBytes
    }
    if (row !== rows || offset !== body.byteLength) throw corrupt(file, 'its chunks do not add up to its header', { rows, found: row })
    return { dimension, rows, values, ignoredTailBytes: fileBytes - end }
  } finally {
    await handle.close()
  }
}

/**
 * Appends rows as one sealed chunk and returns the new row count. The chunk reaches the disk
 * before the header counts it, so a crash in between leaves a tail that readers ignore and the
 * next append overwrites.
 */
export async function appendTemplateRows(file: string, dimension: number, values: Float32Array, key: DataKey): Promise<number> {
  checkValues(values, dimension)
  let handle: FileHandle
  try {
    handle = await open(file, 'r+')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    await writeTemplateMatrix(file, dimension, values, key)
    return values.length / dimension
  }
  try {
    const { rows, chunks, end } = await readHeader(handle, file, dimension, key)
    if (values.length === 0) return rows
    const chunk = sealedChunk(file, key, chunks, rows, values, dimension)
    const next: Header = { rows: rows + values.length / dimension, chunks: chunks + 1, end: end + chunk.byteLength }
    await writeFully(handle, chunk, end)
    await handle.sync()
    await writeFully(handle, sealedHeader(file, key, dimension, next), 0)
    await handle.sync()
    await handle.truncate(next.end)
    return next.rows
  } finally {
    await handle.close()
  }
}

/** Replaces the whole file (compaction after a delete), atomically and durably. */
export async function writeTemplateMatrix(file: string, dimension: number, values: Float32Array, key: DataKey): Promise<void> {
  checkValues(values, dimension)
  const rows = values.length / dimension
  const chunks: Uint8Array[] = []
  for (let first = 0; first < rows; first += rowsPerWrittenChunk) {
    const last = Math.min(rows, first + rowsPerWrittenChunk)
    chunks.push(sealedChunk(file, key, chunks.length, first, values.subarray(first * dimension, last * dimension), dimension))
  }
  const end = headerBytes + chunks.reduce((n, c) => n + c.byteLength, 0)
  await writeFileAtomic(file, [sealedHeader(file, key, dimension, { rows, chunks: chunks.length, end }), ...chunks])
}

/**
 * Migrating a folder: a plaintext (version 1) matrix is rewritten sealed under the same name, in
 * one atomic replace, so a crash leaves the plain file or the sealed one. Returns whether it was
 * plaintext. Its committed rows are kept; a torn tail is dropped.
 */
export async function sealPlainTemplateMatrix(file: string, dimension: number, key: DataKey): Promise<boolean> {
  const handle = await openForReading(file)
  if (!handle) return false
  let values: Float32Array
  try {
    const { version, fileBytes } = await readPreamble(handle, file, dimension)
    if (version !== plainVersion) return false
    const header = new Uint8Array(plainHeaderBytes)
    await readFully(handle, header, 0)
    const rows = new DataView(header.buffer).getUint32(12, true)
    if (fileBytes < plainHeaderBytes + rows * dimension * 4) throw corrupt(file, 'truncated', { rows, fileBytes })
    values = new Float32Array(rows * dimension)
    await readFully(handle, bytesOf(values), plainHeaderBytes)
  } finally {
    await handle.close()
  }
  await writeTemplateMatrix(file, dimension, values, key)
  values.fill(0)
  return true
}
