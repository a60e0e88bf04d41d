import { LikenessError } from '../../shared/errors'
import { descriptorDimension } from '../../shared/api/face'
import { checkTau, isSamePerson } from './decision'
import { squaredDistance, squaredNorm } from './distance'
import { quantize } from './quantize'
import { queryRowBytes, scoreKernel } from './scoreKernel'
import { smallestIndices } from './smallest'
import { checkDescriptor, TemplateColumns, type TemplateRows } from './templateColumns'

export type { TemplateRows }

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

/**
 * Float32 rounding of a kernel score: a D-term dot product errs by at most γ_D·Σ|q_j t_j| with
 * γ_D ≈ D·2⁻²⁴ (Higham, Accuracy and Stability, §3.1); doubled for the norm and the final
 * subtraction, and bounded by (‖q‖ + max‖t‖)² ≥ ‖t‖² + 2‖q‖‖t‖.
 */
function roundingError(queryNorm: number, maxTemplateNorm: number): number {
  return 4 * descriptorDimension * 2 ** -24 * (queryNorm + maxTemplateNorm) ** 2
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new LikenessError('BadRequest', `k must be a positive integer, got ${k}`)
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
 * directly from the float32 templates, so the answer is exact. The templates live in columns
 * that the SIMD kernel reads in place (templateColumns.ts).
 */
export class Gallery {
  private readonly columns = new TemplateColumns()
  private readonly kernel = scoreKernel(this.columns.memory)

  get size(): number {
    return this.columns.size
  }

  get templateIds(): readonly string[] {
    return this.columns.templateIds
  }

  get personIds(): readonly string[] {
    return this.columns.personIds
  }

  hasPerson(personId: string): boolean {
    return this.columns.rowsOf(personId) !== undefined
  }

  /** The templates, row-major; a view that is valid until the next add or remove. */
  matrix(): Float32Array {
    return this.columns.matrix()
  }

  add(batch: TemplateRows): void {
    this.columns.add(batch)
  }

  /** Erases every template of the person; returns how many were removed. */
  remove(personId: string): number {
    return this.columns.remove(personId)
  }

  /** Erases these templates (ids not in the gallery are ignored); returns how many were removed. */
  removeTemplates(templateIds: readonly string[]): number {
    return this.columns.removeTemplates(templateIds)
  }

  /** The k nearest templates, exactly, nearest first. */
  search(query: Float32Array, k: number): TemplateMatch[] {
    return this.searchBatch([query], k)[0]
  }

  /** One pass over the matrix for several faces at once: each template row is read once. */
  searchBatch(queries: readonly Float32Array[], k: number): TemplateMatch[][] {
    checkK(k)
    const scored = this.score(queries)
    return queries.map((query, b) => this.nearestRows(query, scored(b), Math.min(k, this.columns.size)).map((hit) => this.match(hit)))
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
        personId: best && isSamePerson(best.distance, tau) ? best.personId : unknownPerson,
        distance: best ? best.distance : null,
        candidates
      }
    })
  }

  /** 1:1 against the closest of the person's templates. */
  verify(query: Float32Array, personId: string, tau: number): Verification {
    checkDescriptor(query, 'the query')
    checkTau(tau)
    const personRows = this.columns.rowsOf(personId)
    if (!personRows) throw new LikenessError('UnknownPerson', `no templates for person ${personId}`, { personId })
    let best = { row: personRows[0]!, distance: Infinity }
    for (const row of personRows) {
      const distance = squaredDistance(query, this.columns.row(row))
      if (distance < best.distance) best = { row, distance }
    }
    return { match: isSamePerson(best.distance, tau), distance: best.distance, threshold: tau, templateId: this.columns.templateIds[best.row]! }
  }

  private match(hit: { row: number; distance: number }): TemplateMatch {
    return { templateId: this.columns.templateIds[hit.row]!, personId: this.columns.personIds[hit.row]!, distance: hit.distance }
  }

  /** Scores every query against every row in one kernel call, with each query's error bound. */
  private score(queries: readonly Float32Array[]): (query: number) => Scored {
    queries.forEach((query, b) => checkDescriptor(query, `query ${b}`))
    const rows = this.columns.size
    if (rows === 0 || queries.length === 0) return () => ({ scores: new Float32Array(0), error: 0 })
    const factorOffset = queries.length * queryRowBytes
    const scoreOffset = factorOffset + Math.ceil(queries.length / 4) * 16
    const queryBase = this.columns.scratch(scoreOffset + queries.length * rows * 4)
    const [factorBase, scoreBase] = [queryBase + factorOffset, queryBase + scoreOffset]
    const memory = this.columns.memory
    const factors = new Float32Array(memory.buffer, factorBase, queries.length)
    const errors = queries.map((query, b) => {
      const codes = new Int16Array(memory.buffer, queryBase + b * queryRowBytes, descriptorDimension)
      const { scale, residual } = quantize(query, codes, 32767)
      factors[b] = 2 * scale
      const queryNorm = Math.sqrt(squaredNorm(query))
      // q·t − (q − e_q)·(t − e_t) = q·e_t + e_q·(t − e_t), so |error| ≤ ‖q‖ r_t + ‖e_q‖ (‖t‖ + r_t).
      const { maxResidual, maxTemplateNorm } = this.columns
      const codeError = 2 * (queryNorm * maxResidual + residual * (maxTemplateNorm + maxResidual))
      return codeError + roundingError(queryNorm, maxTemplateNorm)
    })
    const { columns } = this
    this.kernel(queryBase, factorBase, queries.length, columns.offset('codes'), columns.offset('scales'), columns.offset('norms'), rows, scoreBase)
    return (b) => ({ scores: new Float32Array(memory.buffer, scoreBase + b * rows * 4, rows), error: errors[b]! })
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
      if (scores[row]! <= limit) contenders.push({ row, distance: squaredDistance(query, this.columns.row(row)) })
    }
    contenders.sort((a, b) => a.distance - b.distance || a.row - b.row)
    return contenders.slice(0, m)
  }

  /** The first k distinct people among the nearest rows, widening until k people are found. */
  private nearestPeople(query: Float32Array, scored: Scored, k: number): TemplateMatch[] {
    const rows = this.columns.size
    for (let m = Math.min(rows, 4 * k); ; m = Math.min(rows, 4 * m)) {
      const people = new Map<string, TemplateMatch>()
      for (const hit of this.nearestRows(query, scored, m)) {
        const person = this.columns.personIds[hit.row]!
        if (!people.has(person)) people.set(person, this.match(hit))
        if (people.size === k) break
      }
      if (people.size === k || m === rows) return [...people.values()]
    }
  }
}
