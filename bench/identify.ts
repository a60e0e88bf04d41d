/**
 * Identify latency against gallery size K, ours against a plain per-template JS loop, plus the
 * other candidates for the one matrix product (a 4-way unrolled JS dot product, tfjs-wasm
 * matMul). Random unit vectors: latency does not depend on what the templates look like.
 * Prints one JSON line per measurement; `ratio` is the reference time over the candidate's.
 *
 *   npx tsx bench/identify.ts [maxK]
 */
import * as tf from '@tensorflow/tfjs'
import { initBackend } from '../src/main/engine/backend'
import { Gallery } from '../src/main/face/gallery'
import { defaultTau, descriptorDimension } from '../src/shared/api/face'

const D = descriptorDimension
const maxK = Number(process.argv[2] ?? 1e6)
const sizes = [1e3, 1e4, 1e5, 1e6].filter((k) => k <= maxK)
const queryCount = 8

function unitRows(count: number): Float32Array {
  const values = new Float32Array(count * D)
  for (let row = 0; row < count; row++) {
    let norm = 0
    for (let j = 0; j < D; j++) {
      const x = Math.random() * 2 - 1
      values[row * D + j] = x
      norm += x * x
    }
    const scale = 1 / Math.sqrt(norm)
    for (let j = 0; j < D; j++) values[row * D + j] *= scale
  }
  return values
}

/** Median milliseconds per call, after one warm-up call. */
function median(run: () => void, repeats: number): number {
  run()
  const times: number[] = []
  for (let i = 0; i < repeats; i++) {
    const start = performance.now()
    run()
    times.push(performance.now() - start)
  }
  return times.sort((a, b) => a - b)[times.length >> 1]
}

/** The reference: every template in turn, d = Σ (q − t)², keep the best. */
function plainLoopNearest(templates: Float32Array, rows: number, query: Float32Array): number {
  let best = -1
  let bestDistance = Infinity
  for (let row = 0; row < rows; row++) {
    let distance = 0
    for (let j = 0; j < D; j++) {
      const difference = query[j] - templates[row * D + j]
      distance += difference * difference
    }
    if (distance < bestDistance) {
      bestDistance = distance
      best = row
    }
  }
  return best
}

function unrolledDots(templates: Float32Array, rows: number, query: Float32Array, out: Float32Array): void {
  for (let row = 0, at = 0; row < rows; row++, at += D) {
    let s0 = 0
    let s1 = 0
    let s2 = 0
    let s3 = 0
    for (let j = 0; j < D; j += 4) {
      s0 += query[j] * templates[at + j]
      s1 += query[j + 1] * templates[at + j + 1]
      s2 += query[j + 2] * templates[at + j + 2]
      s3 += query[j + 3] * templates[at + j + 3]
    }
    out[row] = s0 + s1 + s2 + s3
  }
}

function print(line: Record<string, unknown>): void {
  console.log(JSON.stringify(line))
}

const backend = await initBackend('wasm')
print({ bench: 'identify', backend: backend.name, simd: backend.simd, queries: queryCount, tau: defaultTau })
const templates = unitRows(sizes[sizes.length - 1])
const queries = Array.from({ length: queryCount }, (_, i) => {
  // Half the faces are near an enrolled template, half are strangers.
  const query = unitRows(1)
  if (i % 2 === 0) for (let j = 0; j < D; j++) query[j] = 0.9 * templates[(i * 37 + 5) * D + j] + 0.1 * query[j]
  return query
})

for (const K of sizes) {
  const gallery = new Gallery()
  gallery.add({
    templateIds: Array.from({ length: K }, (_, i) => `t${i}`),
    personIds: Array.from({ length: K }, (_, i) => `p${i}`),
    descriptors: templates.subarray(0, K * D)
  })
  const repeats = K >= 1e6 ? 5 : 9
  let q = 0
  const next = (): Float32Array => queries[q++ % queryCount]

  const reference = median(() => plainLoopNearest(templates, K, next()), repeats)
  const agrees = queries.every((query) => gallery.search(query, 1)[0].templateId === `t${plainLoopNearest(templates, K, query)}`)
  const identify = median(() => gallery.identify(next(), 5, defaultTau), repeats)
  const batch = median(() => gallery.identifyBatch(queries, 5, defaultTau), repeats) / queryCount
  const scores = new Float32Array(K)
  const unrolled = median(() => unrolledDots(templates, K, next(), scores), repeats)
  const matrix = tf.tensor2d(templates.subarray(0, K * D), [K, D])
  const matMul = median(() => {
    const products = tf.tidy(() => tf.matMul(tf.tensor2d(next(), [1, D]), matrix, false, true))
    products.dataSync()
    products.dispose()
  }, repeats)
  matrix.dispose()

  const row = (candidate: string, ms: number, extra: Record<string, unknown> = {}): void =>
    print({ bench: 'identify', K, candidate, ms: Number(ms.toFixed(3)), ratio: Number((reference / ms).toFixed(2)), ...extra })
  row('plain per-template JS loop (reference)', reference)
  row('gallery.identify (int8 SIMD kernel + exact re-rank, top-5 people)', identify, { exactTop1Agrees: agrees })
  row(`gallery.identifyBatch, per face of ${queryCount}`, batch)
  row('scores only: 4-way unrolled JS dot products', unrolled)
  row('scores only: tfjs-wasm matMul', matMul)
}
