import { matchHistograms, matchMoments } from '../src/main/style/palette'
import { slicedWasserstein } from '../src/main/style/quality'
import { seededRandom } from '../src/main/engine/random'
const r = seededRandom(1)
for (const n of [65536, 3145728]) {
  const src = Float32Array.from({ length: 3 * n }, (_, i) => (i % 3 === 0 ? 100 * r() ** 2 : 60 * (r() - 0.3)))
  const tgt = Float32Array.from({ length: 3 * 65536 }, (_, i) => (i % 3 === 1 ? 50 * r() * r() : 40 * r()))
  let t = performance.now(); const mm = matchMoments(src, tgt); const m = performance.now() - t
  for (const rounds of [4, 8, 12]) {
    t = performance.now(); const h = matchHistograms(src, tgt, rounds); console.log(n, rounds, 'moments', m.toFixed(0), 'hist', (performance.now() - t).toFixed(0), 'swd', slicedWasserstein(src, tgt).toFixed(2), slicedWasserstein(mm, tgt).toFixed(2), slicedWasserstein(h, tgt).toFixed(3))
  }
}
