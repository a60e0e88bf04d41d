import { LikenessError } from '../../shared/errors'
import { squaredDistance, squaredNorm } from './distance'
import { codeRowBytes, kernelMemory, pageBytes, quantize, queryRowBytes, scoreKernel } from './distanceKernel'
import { smallestIndices } from './smallest'
import { descriptorDimension } from '../../shared/api/face'

/** A batch of templates in columns: row i of `descriptors` belongs to templateIds[i], personIds[i]. */
export interface TemplateRows {
  templateIds: readonly string[]
  personIds: readonly string[]
  descriptors: Float32Array
}

export interface TemplateMatch {
  templateId: string
  personId: string
  distance: number
}

export const unknownPerson = 'unknown'

export interface Identification {
  /** The nearest person when their best d ≤ τ, otherwise `unknownPerson`. */
  personId: string
  /** The best d over all templates; null when the gallery is empty. */
  distance: number | null
  /** People by their closest template, nearest first, whatever τ says. */
  candidates: TemplateMatch[]
}

export interface Verification {
  match: boolean
  distance: number
  threshold: number
  templateId: string
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

/**
 * Float32 rounding of a kernel score: a D-term dot product errs by at most γ_D·Σ|q_j t_j| with
 * γ_D ≈ D·2⁻²⁴ (Higham, Accuracy and Stability, §3.1); doubled for the norm and the final
 * subtraction, and bounded by (‖q‖ + max‖t‖)² ≥ ‖t‖² + 2‖q‖‖t‖.
 */
function roundingError(queryNorm: number, maxTemplateNorm: number): number {
  return 4 * descriptorDimension * 2 ** -24 * (queryNorm + maxTemplateNorm) ** 2
}

function checkDescriptor(descriptor: Float32Array, what: string): void {
  if (descriptor.length !== descriptorDimension) {
    throw new LikenessError('BadRequest', `${what} has ${descriptor.length} values, not ${descriptorDimension}`)
  }
  for (let i = 0; i < descriptor.length; i++) {
    if (!Number.isFinite(descriptor[i])) throw new LikenessError('BadRequest', `${what} holds a non-finite value`)
  }
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new LikenessError('BadRequest', `k must be a positive integer, got ${k}`)
}

function checkTau(tau: number): void {
  if (!(tau >= 0 && Number.isFinite(tau))) throw new LikenessError('BadRequest', `τ must be a finite distance ≥ 0, got ${tau}`)
}

/** A kernel pass for one query: scores ‖t_i‖² − 2 q·t_i, each within ±error of the truth. */
interface Scored {
  scores: Float32Array
  error: number
}

/**
 * All enrolled templates as one dense matrix, searched exactly with one matrix product:
 * d(q, t_i) = ‖q‖² + ‖t_i‖² − 2 q·t_i over every row at once, template norms precomputed.
 *
 * The product runs on int8 codes of the templates (a quarter of the memory traffic), each score
 * with a proven error bound; the rows that the bound cannot rule out are re-ranked by d computed
 * directly from the float32 templates, so the answer is exact. Everything lives in one
 * WebAssembly memory that the SIMD kernel reads in place: one region per column, `capacity` rows
 * each, then scratch for queries and scores.
 */
export class Gallery {
  private readonly memory = kernelMemory()
  private readonly kernel = scoreKernel(this.memory)
  private capacity = 0
  private rows = 0
  private templateIdList: string[] = []
  private personIdList: string[] = []
  private readonly templateIdSet = new Set<string>()
  private rowsByPerson = new Map<string, number[]>()
  private maxTemplateNorm = 0
  private maxResidual = 0

  get size(): number {
    return this.rows
  }

  get templateIds(): readonly string[] {
    return this.templateIdList
  }

  get personIds(): readonly string[] {
    return this.personIdList
  }

  hasPerson(personId: string): boolean {
    return this.rowsByPerson.has(personId)
  }

  /** The templates, row-major; a view that is valid until the next add or remove. */
  matrix(): Float32Array {
    return new Float32Array(this.memory.buffer, 0, this.rows * descriptorDimension)
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

  /** Erases these templates (ids not in the gallery are ignored) and closes the gaps; returns how many were removed. */
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

  /** The k nearest templates, exactly, nearest first. */
  search(query: Float32Array, k: number): TemplateMatch[] {
    return this.searchBatch([query], k)[0]
  }

  /** One pass over the matrix for several faces at once: each template row is read once. */
  searchBatch(queries: readonly Float32Array[], k: number): TemplateMatch[][] {
    checkK(k)
    const scored = this.score(queries)
    return queries.map((query, b) => this.nearestRows(query, scored(b), Math.min(k, this.rows)).map((hit) => this.match(hit)))
  }

  identify(query: Float32Array, k: number, tau: number): Identification {
    return this.identifyBatch([query], k, tau)[0]
  }

  /** Per face: the k nearest people by their closest template, and unknown when the best d > τ. */
  identifyBatch(queries: readonly Float32Array[], k: number, tau: number): Identification[] {
    checkK(k)
    checkTau(tau)
    const scored = this.score(queries)
    return queries.map((query, b) => {
      const candidates = this.nearestPeople(query, scored(b), k)
      const best = candidates[0]
      return {
        personId: best && best.distance <= tau ? best.personId : unknownPerson,
        distance: best ? best.distance : null,
        candidates
      }
    })
  }

  /** 1:1 against the closest of the person's templates. */
  verify(query: Float32Array, personId: string, tau: number): Verification {
    checkDescriptor(query, 'the query')
    checkTau(tau)
    const personRows = this.rowsByPerson.get(personId)
    if (!personRows) throw new LikenessError('UnknownPerson', `no templates for person ${personId}`, { personId })
    let best = { row: personRows[0], distance: Infinity }
    for (const row of personRows) {
      const distance = squaredDistance(query, this.row(row))
      if (distance < best.distance) best = { row, distance }
    }
    return { match: best.distance <= tau, distance: best.distance, threshold: tau, templateId: this.templateIdList[best.row] }
  }

  private offset(column: Column, capacity = this.capacity): number {
    let offset = 0
    for (const [name, width] of columns) {
      if (name === column) return offset
      offset += capacity * width
    }
    throw new LikenessError('Internal', `no column ${column}`)
  }

  private column(column: 'scales' | 'norms' | 'residuals', rows = this.rows): Float32Array {
    return new Float32Array(this.memory.buffer, this.offset(column), rows)
  }

  private row(row: number): Float32Array {
    return new Float32Array(this.memory.buffer, row * rowBytes, descriptorDimension)
  }

  private match(hit: { row: number; distance: number }): TemplateMatch {
    return { templateId: this.templateIdList[hit.row], personId: this.personIdList[hit.row], distance: hit.distance }
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

  /** Scores every query against every row in one kernel call, with each query's error bound. */
  private score(queries: readonly Float32Array[]): (query: number) => Scored {
    queries.forEach((query, b) => checkDescriptor(query, `query ${b}`))
    if (this.rows === 0 || queries.length === 0) return () => ({ scores: new Float32Array(0), error: 0 })
    const queryBase = this.capacity * bytesPerRow
    const factorBase = queryBase + queries.length * queryRowBytes
    const scoreBase = factorBase + Math.ceil(queries.length / 4) * 16
    this.ensureBytes(scoreBase + queries.length * this.rows * 4)
    const factors = new Float32Array(this.memory.buffer, factorBase, queries.length)
    const errors = queries.map((query, b) => {
      const codes = new Int16Array(this.memory.buffer, queryBase + b * queryRowBytes, descriptorDimension)
      const { scale, residual } = quantize(query, codes, 32767)
      factors[b] = 2 * scale
      const queryNorm = Math.sqrt(squaredNorm(query))
      // q·t − (q − e_q)·(t − e_t) = q·e_t + e_q·(t − e_t), so |error| ≤ ‖q‖ r_t + ‖e_q‖ (‖t‖ + r_t).
      const codeError = 2 * (queryNorm * this.maxResidual + residual * (this.maxTemplateNorm + this.maxResidual))
      return codeError + roundingError(queryNorm, this.maxTemplateNorm)
    })
    this.kernel(queryBase, factorBase, queries.length, this.offset('codes'), this.offset('scales'), this.offset('norms'), this.rows, scoreBase)
    return (b) => ({ scores: new Float32Array(this.memory.buffer, scoreBase + b * this.rows * 4, this.rows), error: errors[b] })
  }

  /**
   * The m nearest rows, exactly. If the m best scores end at s_m, the true m-th score is at most
   * s_m + error, so no row scoring above s_m + 2·error can be among the m nearest; the rest are
   * re-ranked by d computed directly.
   */
  private nearestRows(query: Float32Array, { scores, error }: Scored, m: number): { row: number; distance: number }[] {
    if (m === 0) return []
    const selected = smallestIndices(scores, m)
    let kth = -Infinity
    for (const row of selected) kth = Math.max(kth, scores[row])
    const limit = kth + 2 * error
    const contenders: { row: number; distance: number }[] = []
    for (let row = 0; row < scores.length; row++) {
      if (scores[row] <= limit) contenders.push({ row, distance: squaredDistance(query, this.row(row)) })
    }
    contenders.sort((a, b) => a.distance - b.distance || a.row - b.row)
    return contenders.slice(0, m)
  }

  /** The first k distinct people among the nearest rows, widening until k people are found. */
  private nearestPeople(query: Float32Array, scored: Scored, k: number): TemplateMatch[] {
    for (let m = Math.min(this.rows, 4 * k); ; m = Math.min(this.rows, 4 * m)) {
      const people = new Map<string, TemplateMatch>()
      for (const hit of this.nearestRows(query, scored, m)) {
        const person = this.personIdList[hit.row]
        if (!people.has(person)) people.set(person, this.match(hit))
        if (people.size === k) break
      }
      if (people.size === k || m === this.rows) return [...people.values()]
    }
  }
}
