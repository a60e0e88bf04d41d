import { LikenessError } from '../../shared/errors'
import { descriptorDimension } from '../../shared/api/face'
import { squaredNorm } from './distance'
import { quantize } from './quantize'
import { codeRowBytes, kernelMemory, pageBytes } from './scoreKernel'

/** A batch of templates in columns: row i of `descriptors` belongs to templateIds[i], personIds[i]. */
export interface TemplateRows {
  templateIds: readonly string[]
  personIds: readonly string[]
  descriptors: Float32Array
}

const rowBytes = descriptorDimension * 4

/** Per-row columns in the kernel's memory, in layout order, with their bytes per row. */
const columns = [
  ['values', rowBytes], // the templates themselves, for exact distances and for the store
  ['codes', codeRowBytes], // int8 codes that the kernel streams
  ['scales', 4],
  ['norms', 4], // ‖t‖²
  ['residuals', 4] // ‖t − scale·codes‖
] as const
type Column = (typeof columns)[number][0]
const bytesPerRow = columns.reduce((sum, [, width]) => sum + width, 0)

export function checkDescriptor(descriptor: Float32Array, what: string): void {
  if (descriptor.length !== descriptorDimension) {
    throw new LikenessError('BadRequest', `${what} has ${descriptor.length} values, not ${descriptorDimension}`)
  }
  for (let i = 0; i < descriptor.length; i++) {
    if (!Number.isFinite(descriptor[i])) throw new LikenessError('BadRequest', `${what} holds a non-finite value`)
  }
}

/**
 * The enrolled templates as columns in one WebAssembly memory, which the SIMD kernel reads in
 * place: one region per column, `capacity` rows each, then scratch for queries and scores. Rows
 * are appended, and a person's rows removed by closing the gaps; row i ↔ templateIds[i].
 */
export class TemplateColumns {
  readonly memory = kernelMemory()
  private capacity = 0
  private rows = 0
  private templateIdList: string[] = []
  private personIdList: string[] = []
  private readonly templateIdSet = new Set<string>()
  private rowsByPerson = new Map<string, number[]>()
  /** The largest ‖t‖ and ‖t − scale·codes‖ over all rows: what the kernel's error bound needs. */
  maxTemplateNorm = 0
  maxResidual = 0

  get size(): number {
    return this.rows
  }

  get templateIds(): readonly string[] {
    return this.templateIdList
  }

  get personIds(): readonly string[] {
    return this.personIdList
  }

  rowsOf(personId: string): readonly number[] | undefined {
    return this.rowsByPerson.get(personId)
  }

  /** The templates, row-major; a view that is valid until the next add or remove. */
  matrix(): Float32Array {
    return new Float32Array(this.memory.buffer, 0, this.rows * descriptorDimension)
  }

  row(row: number): Float32Array {
    return new Float32Array(this.memory.buffer, row * rowBytes, descriptorDimension)
  }

  add(batch: TemplateRows): void {
    const count = batch.templateIds.length
    if (batch.personIds.length !== count || batch.descriptors.length !== count * descriptorDimension) {
      throw new LikenessError('BadRequest', 'template ids, person ids and descriptor rows differ in number', {
        templateIds: count,
        personIds: batch.personIds.length,
        values: batch.descriptors.length
      })
    }
    const fresh = new Set<string>()
    for (let i = 0; i < count; i++) {
      const id = batch.templateIds[i]
      if (this.templateIdSet.has(id) || fresh.has(id)) throw new LikenessError('BadRequest', `template ${id} is already in the gallery`)
      fresh.add(id)
      checkDescriptor(batch.descriptors.subarray(i * descriptorDimension, (i + 1) * descriptorDimension), `template ${id}`)
    }
    this.reserve(this.rows + count)
    new Float32Array(this.memory.buffer).set(batch.descriptors, this.rows * descriptorDimension)
    const total = this.rows + count
    const codes = new Int8Array(this.memory.buffer, this.offset('codes'), total * codeRowBytes)
    const [scales, norms, residuals] = (['scales', 'norms', 'residuals'] as const).map((column) => this.column(column, total))
    for (let i = 0; i < count; i++) {
      const row = this.rows + i
      const template = batch.descriptors.subarray(i * descriptorDimension, (i + 1) * descriptorDimension)
      const { scale, residual } = quantize(template, codes.subarray(row * codeRowBytes, (row + 1) * codeRowBytes), 127)
      scales[row] = scale
      norms[row] = squaredNorm(template)
      residuals[row] = residual
      this.maxTemplateNorm = Math.max(this.maxTemplateNorm, Math.sqrt(norms[row]))
      this.maxResidual = Math.max(this.maxResidual, residuals[row])
      this.templateIdList.push(batch.templateIds[i])
      this.templateIdSet.add(batch.templateIds[i])
      this.personIdList.push(batch.personIds[i])
      const personRows = this.rowsByPerson.get(batch.personIds[i])
      if (personRows) personRows.push(row)
      else this.rowsByPerson.set(batch.personIds[i], [row])
    }
    this.rows = total
  }

  /** Erases every template of the person and closes the gaps; returns how many were removed. */
  remove(personId: string): number {
    return this.removeRows(this.rowsByPerson.get(personId) ?? [])
  }

  /** Erases these templates (ids not here are ignored) and closes the gaps; returns how many were removed. */
  removeTemplates(templateIds: readonly string[]): number {
    const wanted = new Set(templateIds.filter((id) => this.templateIdSet.has(id)))
    if (wanted.size === 0) return 0
    return this.removeRows(this.templateIdList.flatMap((id, row) => (wanted.has(id) ? [row] : [])))
  }

  /** `doomed` in ascending order. */
  private removeRows(doomed: readonly number[]): number {
    if (doomed.length === 0) return 0
    // Maximal runs of surviving rows, so a million-row gallery moves in a few memmoves per column.
    const runs: { from: number; to: number; length: number }[] = []
    let kept = 0
    let runStart = 0
    for (const end of [...doomed, this.rows]) {
      if (end > runStart) runs.push({ from: runStart, to: kept, length: end - runStart })
      kept += end - runStart
      runStart = end + 1
    }
    const bytes = new Uint8Array(this.memory.buffer)
    for (const [column, width] of columns) {
      const base = this.offset(column)
      for (const run of runs) {
        if (run.from !== run.to) bytes.copyWithin(base + run.to * width, base + run.from * width, base + (run.from + run.length) * width)
      }
    }
    for (const row of doomed) this.templateIdSet.delete(this.templateIdList[row])
    const gone = new Set(doomed)
    this.templateIdList = this.templateIdList.filter((_, row) => !gone.has(row))
    this.personIdList = this.personIdList.filter((_, row) => !gone.has(row))
    this.rows = kept
    this.rowsByPerson = new Map()
    this.personIdList.forEach((person, row) => {
      const personRows = this.rowsByPerson.get(person)
      if (personRows) personRows.push(row)
      else this.rowsByPerson.set(person, [row])
    })
    this.maxTemplateNorm = Math.sqrt(this.column('norms').reduce((max, norm) => Math.max(max, norm), 0))
    this.maxResidual = this.column('residuals').reduce((max, residual) => Math.max(max, residual), 0)
    return doomed.length
  }

  /** Where a column starts in the memory, in bytes. */
  offset(column: Column, capacity = this.capacity): number {
    let offset = 0
    for (const [name, width] of columns) {
      if (name === column) return offset
      offset += capacity * width
    }
    throw new LikenessError('Internal', `no column ${column}`)
  }

  /** Room after the columns for `bytes` of scratch (queries and scores); returns where it starts. */
  scratch(bytes: number): number {
    const base = this.capacity * bytesPerRow
    this.ensureBytes(base + bytes)
    return base
  }

  private column(column: 'scales' | 'norms' | 'residuals', rows = this.rows): Float32Array {
    return new Float32Array(this.memory.buffer, this.offset(column), rows)
  }

  private ensureBytes(bytes: number): void {
    const missing = bytes - this.memory.buffer.byteLength
    if (missing <= 0) return
    try {
      this.memory.grow(Math.ceil(missing / pageBytes))
    } catch (error) {
      throw new LikenessError('TooBigForBackend', `the gallery cannot grow to ${bytes} bytes`, {
        bytes,
        cause: error instanceof Error ? error.message : String(error)
      })
    }
  }

  /** Room for `rows` templates; growth by half again keeps appends amortised O(1). */
  private reserve(rows: number): void {
    if (rows <= this.capacity) return
    // A multiple of 4 rows keeps every column and the scratch area 16-byte aligned.
    const capacity = Math.ceil(Math.max(rows, this.capacity * 1.5) / 4) * 4
    this.ensureBytes(capacity * bytesPerRow)
    const bytes = new Uint8Array(this.memory.buffer)
    // Last column first: each moves up, into room its successors have already vacated.
    for (const [column, width] of [...columns].reverse()) {
      const from = this.offset(column)
      bytes.copyWithin(this.offset(column, capacity), from, from + this.rows * width)
    }
    this.capacity = capacity
  }
}
