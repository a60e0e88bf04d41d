import { describe, expect, it } from 'vitest'
import { LikenessError } from '../../../src/shared/errors'
import { squaredDistance } from '../../../src/main/face/distance'
import { Gallery, unknownPerson, type TemplateRows } from '../../../src/main/face/gallery'
import { descriptorDimension } from '../../../src/shared/api/face'

const D = descriptorDimension

function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
}

function unitVector(random: () => number): Float32Array {
  const v = Float32Array.from({ length: D }, () => gaussian(random))
  const norm = Math.hypot(...v)
  return v.map((x) => x / norm)
}

/** People as clusters: a unit centre each, templates scattered around it by `spread`. */
function clusters(people: number, perPerson: number, spread: number, random: () => number): TemplateRows & { centres: Float32Array[] } {
  const centres = Array.from({ length: people }, () => unitVector(random))
  const descriptors = new Float32Array(people * perPerson * D)
  const templateIds: string[] = []
  const personIds: string[] = []
  centres.forEach((centre, p) => {
    for (let t = 0; t < perPerson; t++) {
      const row = p * perPerson + t
      for (let j = 0; j < D; j++) descriptors[row * D + j] = centre[j] + spread * gaussian(random)
      templateIds.push(`t${row}`)
      personIds.push(`p${p}`)
    }
  })
  return { templateIds, personIds, descriptors, centres }
}

function bruteForce(rows: TemplateRows, query: Float32Array): { templateId: string; personId: string; distance: number }[] {
  return rows.templateIds
    .map((templateId, i) => ({
      templateId,
      personId: rows.personIds[i],
      distance: squaredDistance(query, rows.descriptors.subarray(i * D, (i + 1) * D))
    }))
    .sort((a, b) => a.distance - b.distance)
}

function slice(rows: TemplateRows, from: number, to: number): TemplateRows {
  return {
    templateIds: rows.templateIds.slice(from, to),
    personIds: rows.personIds.slice(from, to),
    descriptors: rows.descriptors.slice(from * D, to * D)
  }
}

describe('Gallery', () => {
  const random = seededRandom(7)
  const rows = clusters(300, 4, 0.02, random)

  it('finds the exact k nearest templates, as a brute-force sort does, across growth in small batches', () => {
    const gallery = new Gallery()
    for (let from = 0; from < rows.templateIds.length; from += 97) gallery.add(slice(rows, from, from + 97))
    expect(gallery.size).toBe(1200)
    for (let q = 0; q < 5; q++) {
      const query = unitVector(random)
      const expected = bruteForce(rows, query).slice(0, 7)
      const found = gallery.search(query, 7)
      expect(found.map((m) => m.templateId)).toEqual(expected.map((m) => m.templateId))
      found.forEach((m, i) => expect(m.distance).toBe(expected[i].distance))
    }
  })

  it('answers a batch of faces as it answers each face alone', () => {
    const gallery = new Gallery()
    gallery.add(rows)
    const queries = [0, 1, 2].map(() => unitVector(random))
    expect(gallery.searchBatch(queries, 3)).toEqual(queries.map((query) => gallery.search(query, 3)))
    expect(gallery.identifyBatch(queries, 3, 0.36)).toEqual(queries.map((query) => gallery.identify(query, 3, 0.36)))
  })

  it('stays exact among near-duplicates finer than its int8 codes, and where the norm trick cancels', () => {
    // Templates 1e-3 apart: far below an int8 step (~max|t|/127), and, 100 units from the origin,
    // far below what ‖q‖² + ‖t‖² − 2q·t resolves in float32.
    for (const distanceFromOrigin of [0, 100]) {
      const offset = unitVector(random).map((x) => distanceFromOrigin * x)
      const near = clusters(1, 100, 1e-3, random)
      const moved: TemplateRows = { ...near, descriptors: near.descriptors.map((x, i) => x + offset[i % D]) }
      const gallery = new Gallery()
      gallery.add(moved)
      const query = moved.descriptors.slice(0, D).map((x) => x + 1e-4)
      const expected = bruteForce(moved, query).slice(0, 5)
      expect(gallery.search(query, 5)).toEqual(expected)
    }
  })

  it('identifies the person of a fresh shot, and calls a stranger unknown', () => {
    const gallery = new Gallery()
    gallery.add(rows)
    const shot = rows.centres[42].map((x) => x + 0.02 * gaussian(random))
    const known = gallery.identify(shot, 3, 0.36)
    expect(known.personId).toBe('p42')
    expect(known.candidates.map((c) => c.personId)).toEqual(
      [...new Set(bruteForce(rows, shot).map((m) => m.personId))].slice(0, 3)
    )
    const stranger = gallery.identify(unitVector(random), 3, 0.36)
    expect(stranger.personId).toBe(unknownPerson)
    expect(stranger.distance).toBeGreaterThan(0.36)
    expect(new Gallery().identify(shot, 3, 0.36)).toEqual({ personId: unknownPerson, distance: null, candidates: [] })
  })

  it('ranks people by their closest template, however many templates the nearest person holds', () => {
    const crowd = clusters(1, 60, 0.01, random)
    const others = clusters(5, 1, 0, random)
    const gallery = new Gallery()
    gallery.add(crowd)
    gallery.add({ ...others, templateIds: others.templateIds.map((id) => `other-${id}`), personIds: others.personIds.map((id) => `other-${id}`) })
    const candidates = gallery.identify(crowd.centres[0], 4, 0.36).candidates
    expect(candidates).toHaveLength(4)
    expect(candidates[0]).toEqual(bruteForce(crowd, crowd.centres[0])[0])
    expect(new Set(candidates.map((c) => c.personId)).size).toBe(4)
  })

  it('verifies against the closest of the person’s templates, and knows no one it never met', () => {
    const gallery = new Gallery()
    gallery.add(rows)
    const shot = rows.centres[7].map((x) => x + 0.02 * gaussian(random))
    const closest = bruteForce(slice(rows, 28, 32), shot)[0]
    expect(gallery.verify(shot, 'p7', 0.36)).toEqual({ match: true, distance: closest.distance, threshold: 0.36, templateId: closest.templateId })
    expect(gallery.verify(shot, 'p8', 0.36).match).toBe(false)
    expect(() => gallery.verify(shot, 'nobody', 0.36)).toThrow(expect.objectContaining({ kind: 'UnknownPerson' }))
  })

  it('forgets a person completely and keeps everyone else’s rows intact', () => {
    const gallery = new Gallery()
    gallery.add(rows)
    expect(gallery.remove('p10')).toBe(4)
    expect(gallery.remove('p10')).toBe(0)
    expect(gallery.size).toBe(1196)
    expect(gallery.hasPerson('p10')).toBe(false)
    const survivors = [...slice(rows, 0, 40).descriptors, ...slice(rows, 44, 1200).descriptors]
    const matrix = gallery.matrix()
    // Byte comparison: a deep equality over 150k floats takes vitest half a second.
    expect(Buffer.from(matrix.buffer, matrix.byteOffset, matrix.byteLength).equals(Buffer.from(Float32Array.from(survivors).buffer))).toBe(true)
    expect(gallery.templateIds).toEqual([...rows.templateIds.slice(0, 40), ...rows.templateIds.slice(44)])
    expect(gallery.search(rows.centres[10], 50).some((m) => m.personId === 'p10')).toBe(false)
    expect(gallery.identify(rows.centres[11], 1, 0.36).personId).toBe('p11')
  })

  it('does not grow its memory over a hundred identify calls', () => {
    const gallery = new Gallery()
    gallery.add(rows)
    const queries = [0, 1, 2, 3].map(() => unitVector(random))
    gallery.identifyBatch(queries, 5, 0.36)
    const bytes = gallery.matrix().buffer.byteLength
    for (let i = 0; i < 100; i++) gallery.identify(queries[i % 4], 5, 0.36)
    expect(gallery.matrix().buffer.byteLength).toBe(bytes)
  })

  it('refuses malformed templates and queries with BadRequest, storing nothing', () => {
    const gallery = new Gallery()
    const bad = (action: () => unknown): void => {
      expect(action).toThrow(LikenessError)
      expect(action).toThrow(expect.objectContaining({ kind: 'BadRequest' }))
    }
    bad(() => gallery.add({ templateIds: ['a'], personIds: ['p'], descriptors: new Float32Array(D - 1) }))
    bad(() => gallery.add({ templateIds: ['a', 'a'], personIds: ['p', 'p'], descriptors: new Float32Array(2 * D) }))
    bad(() => gallery.add({ templateIds: ['a'], personIds: ['p'], descriptors: new Float32Array(D).fill(Number.NaN) }))
    expect(gallery.size).toBe(0)
    gallery.add(slice(rows, 0, 1))
    bad(() => gallery.add(slice(rows, 0, 1)))
    bad(() => gallery.search(new Float32Array(3), 1))
    bad(() => gallery.search(new Float32Array(D), 0))
    bad(() => gallery.identify(new Float32Array(D), 1, Number.NaN))
  })
})
