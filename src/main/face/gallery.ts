import { LikenessError } from '../../shared/errors'
import { descriptorDimension, squaredDistance, squaredNorm } from './distance'
import { kernelMemory, pageBytes, scoreKernel } from './distanceKernel'
import { smallestIndices } from './smallest'

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

/**
 * Rounding slack of a float32 score ‖t‖² − 2 q·t: a D-term dot product errs by at most
 * γ_D·Σ|q_j t_j| with γ_D ≈ D·2⁻²⁴ (Higham, Accuracy and Stability, §3.1); doubled for the norm
 * and the final subtraction, and bounded by (‖q‖ + max‖t‖)² ≥ ‖t‖² + 2‖q‖‖t‖.
 */
function scoreSlack(querySquaredNorm: number, maxTemplateSquaredNorm: number): number {
  return 4 * descriptorDimension * 2 ** -24 * (Math.sqrt(querySquaredNorm) + Math.sqrt(maxTemplateSquaredNorm)) ** 2
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

/**
 * All enrolled templates as one dense matrix, searched exactly with one matrix product:
 * d(q, t_i) = ‖q‖² + ‖t_i‖² − 2 q·t_i over every row at once, template norms precomputed.
 *
 * The matrix lives inside a WebAssembly memory so the SIMD kernel reads it in place; the layout
 * is [templates: capacity rows][norms: capacity][scratch: queries, scores].
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
  private maxTemplateSquaredNorm = 0

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
    const values = new Float32Array(this.memory.buffer)
    values.set(batch.descriptors, this.rows * descriptorDimension)
    const norms = this.norms(this.rows + count)
    for (let i = 0; i < count; i++) {
      const row = this.rows + i
      const norm = squaredNorm(batch.descriptors.subarray(i * descriptorDimension, (i + 1) * descriptorDimension))
      norms[row] = norm
      this.maxTemplateSquaredNorm = Math.max(this.maxTemplateSquaredNorm, norm)
      this.templateIdList.push(batch.templateIds[i])
      this.templateIdSet.add(batch.templateIds[i])
      this.personIdList.push(batch.personIds[i])
      const personRows = this.rowsByPerson.get(batch.personIds[i])
      if (personRows) personRows.push(row)
      else this.rowsByPerson.set(batch.personIds[i], [row])
    }
    this.rows += count
  }

  /** Erases every template of the person and closes the gaps; returns how many were removed. */
  remove(personId: string): number {
    const doomed = this.rowsByPerson.get(personId)
    if (!doomed) return 0
    const values = new Float32Array(this.memory.buffer)
    const norms = this.norms()
    let kept = 0
    let runStart = 0
    // Copy maximal runs of surviving rows, so a million-row gallery moves in a few memmoves.
    const flush = (runEnd: number): void => {
      if (runEnd > runStart && kept !== runStart) {
        values.copyWithin(kept * descriptorDimension, runStart * descriptorDimension, runEnd * descriptorDimension)
        norms.copyWithin(kept, runStart, runEnd)
      }
      kept += runEnd - runStart
    }
    for (const row of doomed) {
      flush(row)
      runStart = row + 1
    }
    flush(this.rows)
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
    this.maxTemplateSquaredNorm = this.norms().reduce((max, norm) => Math.max(max, norm), 0)
    return doomed.length
  }

  /** The k nearest templates, exactly, nearest first. */
  search(query: Float32Array, k: number): TemplateMatch[] {
    return this.searchBatch([query], k)[0]
  }

  /** One pass over the matrix for several faces at once: each template row is read once. */
  searchBatch(queries: readonly Float32Array[], k: number): TemplateMatch[][] {
    checkK(k)
    const scores = this.score(queries)
    return queries.map((query, b) => this.nearestRows(query, scores(b), Math.min(k, this.rows)).map((hit) => this.match(hit)))
  }

  identify(query: Float32Array, k: number, tau: number): Identification {
    return this.identifyBatch([query], k, tau)[0]
  }

  /** Per face: the k nearest people by their closest template, and unknown when the best d > τ. */
  identifyBatch(queries: readonly Float32Array[], k: number, tau: number): Identification[] {
    checkK(k)
    checkTau(tau)
    const scores = this.score(queries)
    return queries.map((query, b) => {
      const candidates = this.nearestPeople(query, scores(b), k)
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

  private row(row: number): Float32Array {
    return new Float32Array(this.memory.buffer, row * rowBytes, descriptorDimension)
  }

  private norms(rows = this.rows): Float32Array {
    return new Float32Array(this.memory.buffer, this.capacity * rowBytes, rows)
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
    // A multiple of 4 rows keeps the scratch area after the norms 16-byte aligned.
    const capacity = Math.ceil(Math.max(rows, this.capacity * 1.5) / 4) * 4
    this.ensureBytes(capacity * (rowBytes + 4))
    const oldNorms = this.capacity * rowBytes
    new Uint8Array(this.memory.buffer).copyWithin(capacity * rowBytes, oldNorms, oldNorms + this.rows * 4)
    this.capacity = capacity
  }

  /** Scores ‖t_i‖² − 2 q_b·t_i of every query against every row, from one kernel call. */
  private score(queries: readonly Float32Array[]): (query: number) => Float32Array {
    queries.forEach((query, b) => checkDescriptor(query, `query ${b}`))
    if (this.rows === 0 || queries.length === 0) return () => new Float32Array(0)
    const queryBase = this.capacity * (rowBytes + 4)
    const scoreBase = queryBase + queries.length * rowBytes
    this.ensureBytes(scoreBase + queries.length * this.rows * 4)
    const values = new Float32Array(this.memory.buffer)
    queries.forEach((query, b) => values.set(query, queryBase / 4 + b * descriptorDimension))
    this.kernel(queryBase, queries.length, 0, this.capacity * rowBytes, this.rows, scoreBase)
    return (b) => new Float32Array(this.memory.buffer, scoreBase + b * this.rows * 4, this.rows)
  }

  /**
   * The m nearest rows, exactly: select by float32 score, widen by the rounding slack so no true
   * neighbour is lost to the norm trick's cancellation, then re-rank by d computed directly.
   */
  private nearestRows(query: Float32Array, scores: Float32Array, m: number): { row: number; distance: number }[] {
    if (m === 0) return []
    const selected = smallestIndices(scores, m)
    let kth = -Infinity
    for (const row of selected) kth = Math.max(kth, scores[row])
    const limit = kth + scoreSlack(squaredNorm(query), this.maxTemplateSquaredNorm)
    const contenders: { row: number; distance: number }[] = []
    for (let row = 0; row < scores.length; row++) {
      if (scores[row] <= limit) contenders.push({ row, distance: squaredDistance(query, this.row(row)) })
    }
    contenders.sort((a, b) => a.distance - b.distance || a.row - b.row)
    return contenders.slice(0, m)
  }

  /** The first k distinct people among the nearest rows, widening until k people are found. */
  private nearestPeople(query: Float32Array, scores: Float32Array, k: number): TemplateMatch[] {
    for (let m = Math.min(this.rows, 4 * k); ; m = Math.min(this.rows, 4 * m)) {
      const people = new Map<string, TemplateMatch>()
      for (const hit of this.nearestRows(query, scores, m)) {
        const person = this.personIdList[hit.row]
        if (!people.has(person)) people.set(person, this.match(hit))
        if (people.size === k) break
      }
      if (people.size === k || m === this.rows) return [...people.values()]
    }
  }
}
