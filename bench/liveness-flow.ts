/**
 * Exploration, not shipped (docs/front-desk.md, "Non-planar motion"): non-planar motion from the
 * image instead of FaceMesh's points. Points on the inner face (every 4th mesh point off the
 * silhouette) are seeded each frame, followed frame to frame by pyramidal Lucas–Kanade (Bouguet;
 * 3 levels, 15 × 15 windows, each patch's brightness normalised) with a forward–backward check
 * (Kalal et al. 2010: a point that does not track back to within 1 px is dropped), and after 10
 * frames (0.67 s at 15 fps) fitted by a homography (homographyResidual); a window median of 15 and
 * its peak, as ParallaxEvidence does with the mesh. Prints are swung harder than bench:liveness's
 * (turn ±0.35 rad, tilt to 0.8 rad) and held 10 s.
 *
 *   npx tsx bench/liveness-flow.ts live:d6:3 print:d6:0.5:102 …   (live:<video>:<6-s clip>, print:<video>:<fraction>:<seed>)
 *
 * A JSON line per presentation: the peak, and the share of points lost per 10-frame set (median, max).
 */
import path from 'node:path'
import os from 'node:os'
import { emptyDoorway, sharedDatasets } from '../test/support/datasets'
import { printAttack } from '../test/support/spoofs'
import { initBackend } from '../src/main/engine/backend'
import type { RgbImage } from '../src/main/image/decode'
import type { Point } from '../src/shared/geometry'
import { observeFrame, type FramePlan } from '../src/main/face/live/observeFrame'
import type { LiveModels } from '../src/main/face/live/liveModels'
import { ModelCache } from '../src/main/models/cache'
import { probeVideo, videoFrames } from '../src/main/image/videoFrames'
import { homographyResidual } from '../src/main/face/live/planarity'
import { median } from '../src/main/face/live/median'

const frameMs = 1000 / 15
interface Gray { width: number; height: number; data: Float32Array }

function gray(image: RgbImage): Gray {
  const data = new Float32Array(image.width * image.height)
  for (let i = 0; i < data.length; i++) data[i] = 0.299 * image.data[3 * i] + 0.587 * image.data[3 * i + 1] + 0.114 * image.data[3 * i + 2]
  return { width: image.width, height: image.height, data }
}
function half(g: Gray): Gray {
  const width = g.width >> 1, height = g.height >> 1
  const data = new Float32Array(width * height)
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const i = 2 * y * g.width + 2 * x
    data[y * width + x] = (g.data[i] + g.data[i + 1] + g.data[i + g.width] + g.data[i + g.width + 1]) / 4
  }
  return { width, height, data }
}
const pyramid = (g: Gray, levels: number): Gray[] => { const p = [g]; for (let l = 1; l < levels; l++) p.push(half(p[l - 1])); return p }
function at(g: Gray, x: number, y: number): number {
  x = Math.min(Math.max(x, 0), g.width - 1.001); y = Math.min(Math.max(y, 0), g.height - 1.001)
  const l = Math.floor(x), t = Math.floor(y), fx = x - l, fy = y - t, i = t * g.width + l
  return (g.data[i] * (1 - fx) + g.data[i + 1] * fx) * (1 - fy) + (g.data[i + g.width] * (1 - fx) + g.data[i + g.width + 1] * fx) * fy
}
/** Pyramidal LK (Bouguet), with a gain and bias per patch (patch brightness normalised). */
function track(from: Gray[], to: Gray[], points: Point[], radius = 7): Point[] {
  return points.map((p) => {
    let gx = 0, gy = 0
    for (let level = from.length - 1; level >= 0; level--) {
      const s = 2 ** level, A = from[level], B = to[level]
      const px = p.x / s, py = p.y / s
      // template and gradients
      const n = (2 * radius + 1) ** 2
      const T = new Float32Array(n), Ix = new Float32Array(n), Iy = new Float32Array(n)
      let k = 0, g11 = 0, g12 = 0, g22 = 0, meanT = 0
      for (let dy = -radius; dy <= radius; dy++) for (let dx = -radius; dx <= radius; dx++, k++) {
        T[k] = at(A, px + dx, py + dy); meanT += T[k]
        Ix[k] = (at(A, px + dx + 1, py + dy) - at(A, px + dx - 1, py + dy)) / 2
        Iy[k] = (at(A, px + dx, py + dy + 1) - at(A, px + dx, py + dy - 1)) / 2
        g11 += Ix[k] ** 2; g12 += Ix[k] * Iy[k]; g22 += Iy[k] ** 2
      }
      meanT /= n
      const det = g11 * g22 - g12 * g12
      if (det < 1e-6) continue
      let vx = 0, vy = 0
      for (let iter = 0; iter < 10; iter++) {
        let b1 = 0, b2 = 0, meanB = 0
        const Bv = new Float32Array(n)
        k = 0
        for (let dy = -radius; dy <= radius; dy++) for (let dx = -radius; dx <= radius; dx++, k++) { Bv[k] = at(B, px + gx + vx + dx, py + gy + vy + dy); meanB += Bv[k] }
        meanB /= n
        for (k = 0; k < n; k++) { const e = (T[k] - meanT) - (Bv[k] - meanB); b1 += e * Ix[k]; b2 += e * Iy[k] }
        const ex = (g22 * b1 - g12 * b2) / det, ey = (g11 * b2 - g12 * b1) / det
        vx += ex; vy += ey
        if (ex * ex + ey * ey < 1e-4) break
      }
      gx += vx; gy += vy
      if (level > 0) { gx *= 2; gy *= 2 }
    }
    return { x: p.x + gx, y: p.y + gy }
  })
}

// inner face, every 4th point of the mesh that is not on its silhouette
const silhouette = new Set([10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109])
const chosen = Array.from({ length: 468 }, (_, i) => i).filter((i) => i % 4 === 0 && !silhouette.has(i))

let lostShare: number[] = []
async function flowPeak(models: LiveModels, frames: Iterable<{ image: RgbImage }>, lag = 10, window = 15): Promise<number> {
  let plan: FramePlan = { detect: true, follow: [] }
  let previous: Gray[] | null = null
  const sets: { start: Point[]; now: Point[]; age: number }[] = []
  const residuals: number[] = []
  lostShare = []
  let peak = 0
  for (const { image } of frames) {
    const faces = (await observeFrame(models, image, plan)).faces.filter((f) => f.mesh.length > 0)
    const pyr = pyramid(gray(image), 3)
    if (previous) for (const s of sets) {
      // forward–backward check (Kalal et al. 2010): a point that does not track back to within 1 px is lost
      const forward = track(previous, pyr, s.now)
      const back = track(pyr, previous, forward)
      const kept = s.now.map((p, i) => Math.hypot(back[i].x - p.x, back[i].y - p.y) <= 1)
      s.start = s.start.filter((_, i) => kept[i])
      s.now = forward.filter((_, i) => kept[i])
      s.age++
    }
    while (sets.length && sets[0].age >= lag) {
      const s = sets.shift()!
      lostShare.push(1 - s.now.length / chosen.length)
      if (s.now.length < 20) continue
      residuals.push(homographyResidual(s.start, s.now))
      if (residuals.length > window) residuals.shift()
      peak = Math.max(peak, median(residuals)!)
    }
    if (faces[0]) {
      const pts = chosen.map((i) => faces[0].mesh[i])
      sets.push({ start: pts, now: pts, age: 0 })
      plan = { detect: false, follow: [{ trackId: 1, cropBox: faces[0].cropBox, roll: faces[0].roll, encodeAbove: null, passive: false }] }
    } else plan = { detect: true, follow: [] }
    previous = pyr
  }
  return peak
}

async function clip(file: string, size: { width: number; height: number }, fromMs: number, toMs: number): Promise<{ image: RgbImage; at: number }[]> {
  const frames: { image: RgbImage; at: number }[] = []
  let next = 0
  for await (const f of videoFrames(file, { ...size, start: fromMs / 1000, duration: (toMs - fromMs) / 1000 })) {
    if (f.at + 1e-6 < next) continue
    frames.push({ image: f.image, at: f.at }); next += frameMs
  }
  return frames
}

await initBackend('wasm')
const models = await new ModelCache({ dataDir: os.tmpdir() }).liveModels()
const desk = await emptyDoorway()
const datasets = sharedDatasets()!
// presentations: live video:clip, or print video:fraction:seed (swing 0.35, 0.8)
for (const spec of process.argv.slice(2)) {
  const [kind, video, a, b] = spec.split(':')
  const file = path.join(datasets, 'video', `${video}.mp4`)
  const { seconds, width, height } = await probeVideo(file)
  let peak: number
  if (kind === 'live') {
    const c = Number(a)
    peak = await flowPeak(models, await clip(file, { width: 640, height: 480 }, c * 6000, Math.min(seconds * 1000, c * 6000 + 6000)))
  } else {
    const [still] = await clip(file, { width, height }, Number(a) * seconds * 1000, Number(a) * seconds * 1000 + 200)
    const print = printAttack(still.image, desk, Number(b), { turn: 0.35, tilt: 0.8 })
    peak = await flowPeak(models, Array.from({ length: 150 }, (_, i) => ({ image: print(i * frameMs).image })))
  }
  const lost = lostShare.sort((x, y) => x - y)
  console.log(JSON.stringify({ spec, peak: +peak.toFixed(4), lostMedian: +(lost[lost.length >> 1] ?? 1).toFixed(3), lostMax: +(lost.at(-1) ?? 1).toFixed(3) }))
}
