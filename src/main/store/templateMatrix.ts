import { open, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { writeFileAtomic } from './atomicWrite'
import { LikenessError } from '../../shared/errors'

/**
 * The gallery's templates on disk: a 16-byte header, then rows of Float32 values.
 *
 *   offset 0  "LKTM"                 magic
 *   offset 4  u32 version (1)
 *   offset 8  u32 dimension          values per row (128 for the dlib encoder)
 *   offset 12 u32 rows               rows committed; bytes after them are a torn append
 *   offset 16 rows × dimension × f32
 *
 * All little-endian, as every platform Electron ships on. Row i belongs to db.json's
 * templates[i]. One writer (the store) at a time.
 */
const magic = 'LKTM'
const version = 1
const headerBytes = 16

export interface TemplateMatrix {
  dimension: number
  rows: number
  /** rows × dimension values, row-major. */
  values: Float32Array
  /** Bytes after the committed rows, left by an append that crashed before its header update. */
  ignoredTailBytes: number
}

function header(dimension: number, rows: number): Uint8Array {
  const bytes = new Uint8Array(headerBytes)
  const view = new DataView(bytes.buffer)
  bytes.set(new TextEncoder().encode(magic), 0)
  view.setUint32(4, version, true)
  view.setUint32(8, dimension, true)
  view.setUint32(12, rows, true)
  return bytes
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

/** Reads and checks the header; returns the committed row count and the file's length. */
async function readHeader(handle: FileHandle, file: string, dimension: number): Promise<{ rows: number; fileBytes: number }> {
  const fileBytes = (await handle.stat()).size
  if (fileBytes < headerBytes) throw corrupt(file, 'shorter than its header', { fileBytes })
  const bytes = new Uint8Array(headerBytes)
  await readFully(handle, bytes, 0)
  const view = new DataView(bytes.buffer)
  if (new TextDecoder().decode(bytes.subarray(0, 4)) !== magic) throw corrupt(file, 'not a template matrix')
  if (view.getUint32(4, true) !== version) throw corrupt(file, 'unknown version', { version: view.getUint32(4, true) })
  if (view.getUint32(8, true) !== dimension) {
    throw corrupt(file, 'rows of the wrong width', { dimension: view.getUint32(8, true), expected: dimension })
  }
  const rows = view.getUint32(12, true)
  const expectedBytes = headerBytes + rows * dimension * 4
  if (fileBytes < expectedBytes) throw corrupt(file, 'truncated', { rows, expectedBytes, fileBytes })
  return { rows, fileBytes }
}

/** A missing file is an empty gallery; a damaged one is StoreCorrupt, never a guess. */
export async function readTemplateMatrix(file: string, dimension: number): Promise<TemplateMatrix> {
  let handle: FileHandle
  try {
    handle = await open(file, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { dimension, rows: 0, values: new Float32Array(0), ignoredTailBytes: 0 }
    throw error
  }
  try {
    const { rows, fileBytes } = await readHeader(handle, file, dimension)
    const values = new Float32Array(rows * dimension)
    await readFully(handle, bytesOf(values), headerBytes)
    return { dimension, rows, values, ignoredTailBytes: fileBytes - headerBytes - values.byteLength }
  } finally {
    await handle.close()
  }
}

/**
 * Appends rows and returns the new row count. The rows reach the disk before the header counts
 * them, so a crash in between leaves a tail that readers ignore and the next append overwrites.
 */
export async function appendTemplateRows(file: string, dimension: number, values: Float32Array): Promise<number> {
  checkValues(values, dimension)
  let handle: FileHandle
  try {
    handle = await open(file, 'r+')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    await writeTemplateMatrix(file, dimension, values)
    return values.length / dimension
  }
  try {
    const { rows } = await readHeader(handle, file, dimension)
    const committedBytes = headerBytes + rows * dimension * 4
    const total = rows + values.length / dimension
    await writeFully(handle, bytesOf(values), committedBytes)
    await handle.sync()
    await writeFully(handle, header(dimension, total), 0)
    await handle.sync()
    await handle.truncate(committedBytes + values.byteLength)
    return total
  } finally {
    await handle.close()
  }
}

/** Replaces the whole file (compaction after a delete), atomically and durably. */
export async function writeTemplateMatrix(file: string, dimension: number, values: Float32Array): Promise<void> {
  checkValues(values, dimension)
  await writeFileAtomic(file, [header(dimension, values.length / dimension), bytesOf(values)])
}
