import type { Point } from '../../../shared/geometry'

/** Points moved to their centroid and scaled to a mean distance of √2 from it (Hartley 1997), and the scale. */
function normalised(points: readonly Point[]): { points: Point[]; scale: number } {
  const cx = points.reduce((s, p) => s + p.x, 0) / points.length
  const cy = points.reduce((s, p) => s + p.y, 0) / points.length
  const spread = points.reduce((s, p) => s + Math.hypot(p.x - cx, p.y - cy), 0) / points.length
  const scale = spread > 0 ? Math.SQRT2 / spread : 1
  return { points: points.map((p) => ({ x: (p.x - cx) * scale, y: (p.y - cy) * scale })), scale }
}

/** x of A·x = b by Gaussian elimination with partial pivoting; A is n × n, row-major, and is overwritten. */
function solve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let col = 0; col < n; col++) {
    let pivot = col
    for (let row = col + 1; row < n; row++) if (Math.abs(a[row * n + col]) > Math.abs(a[pivot * n + col])) pivot = row
    for (let k = 0; k < n; k++) [a[col * n + k], a[pivot * n + k]] = [a[pivot * n + k], a[col * n + k]]
    ;[b[col], b[pivot]] = [b[pivot], b[col]]
    for (let row = col + 1; row < n; row++) {
      const factor = a[row * n + col] / a[col * n + col]
      for (let k = col; k < n; k++) a[row * n + k] -= factor * a[col * n + k]
      b[row] -= factor * b[col]
    }
  }
  const x = new Float64Array(n)
  for (let row = n - 1; row >= 0; row--) {
    let sum = b[row]
    for (let k = row + 1; k < n; k++) sum -= a[row * n + k] * x[k]
    x[row] = sum / a[row * n + row]
  }
  return x
}

/**
 * How far the points' motion is from that of a plane: the RMS distance between each point of
 * `to` and where the least-squares homography of `from` onto `to` puts it, over the spread of
 * `to` (its mean distance from the centroid). Every view of a flat thing — a print moved, turned,
 * tilted, seen in perspective — is a homography of any other (Hartley & Zisserman, ch. 2 and
 * 13), so a print leaves only the landmark network's jitter; a head turning shows the nose
 * moving against the cheeks, and a face changing its expression moves its points on their own.
 *
 * The homography is the linear (DLT) fit with h₃₃ = 1 on Hartley-normalised points; the residual
 * is measured in the image.
 */
export function homographyResidual(from: readonly Point[], to: readonly Point[]): number {
  const p = normalised(from)
  const q = normalised(to)
  const ata = new Float64Array(64)
  const atb = new Float64Array(8)
  const row = new Float64Array(8)
  const add = (target: number): void => {
    for (let i = 0; i < 8; i++) {
      atb[i] += row[i] * target
      for (let j = 0; j < 8; j++) ata[i * 8 + j] += row[i] * row[j]
    }
  }
  p.points.forEach(({ x, y }, k) => {
    const { x: u, y: v } = q.points[k]
    // u = (h11 x + h12 y + h13) / (h31 x + h32 y + 1), likewise v with h21 h22 h23
    row.set([x, y, 1, 0, 0, 0, -x * u, -y * u])
    add(u)
    row.set([0, 0, 0, x, y, 1, -x * v, -y * v])
    add(v)
  })
  const h = solve(ata, atb, 8)
  let squared = 0
  p.points.forEach(({ x, y }, k) => {
    const w = h[6] * x + h[7] * y + 1
    const u = (h[0] * x + h[1] * y + h[2]) / w
    const v = (h[3] * x + h[4] * y + h[5]) / w
    squared += (u - q.points[k].x) ** 2 + (v - q.points[k].y) ** 2
  })
  // in normalised units the spread of `to` is √2
  return Math.sqrt(squared / from.length) / Math.SQRT2
}
