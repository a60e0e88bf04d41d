import type { Box, Point } from '../../shared/geometry'

/** |A ∩ B|, the area two boxes share. */
export function overlap(a: Box, b: Box): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  return width > 0 && height > 0 ? width * height : 0
}

/** Intersection over union: |A ∩ B| / |A ∪ B|, 0 for disjoint boxes, 1 for equal ones. */
export function iou(a: Box, b: Box): number {
  const intersection = overlap(a, b)
  return intersection === 0 ? 0 : intersection / (a.width * a.height + b.width * b.height - intersection)
}

/**
 * Pairs of (i, j) with iou(a[i], b[j]) ≥ minIou, each index used once, best overlaps first
 * (greedy: with the few faces of a front desk it agrees with an optimal assignment).
 */
export function matchBoxes(a: readonly Box[], b: readonly Box[], minIou: number): [number, number][] {
  const candidates: { i: number; j: number; overlap: number }[] = []
  a.forEach((boxA, i) => b.forEach((boxB, j) => {
    const overlap = iou(boxA, boxB)
    if (overlap >= minIou) candidates.push({ i, j, overlap })
  }))
  candidates.sort((p, q) => q.overlap - p.overlap)
  const usedA = new Set<number>()
  const usedB = new Set<number>()
  const pairs: [number, number][] = []
  for (const { i, j } of candidates) {
    if (usedA.has(i) || usedB.has(j)) continue
    usedA.add(i)
    usedB.add(j)
    pairs.push([i, j])
  }
  return pairs
}

export function boundingBox(points: readonly Point[]): Box {
  let left = Infinity
  let top = Infinity
  let right = -Infinity
  let bottom = -Infinity
  for (const p of points) {
    left = Math.min(left, p.x)
    top = Math.min(top, p.y)
    right = Math.max(right, p.x)
    bottom = Math.max(bottom, p.y)
  }
  return { x: left, y: top, width: right - left, height: bottom - top }
}

/** The square of side `factor` × the box's long side, on the same centre. */
export function squareAround(box: Box, factor: number): Box {
  const side = Math.max(box.width, box.height) * factor
  return { x: box.x + box.width / 2 - side / 2, y: box.y + box.height / 2 - side / 2, width: side, height: side }
}

export function boxCentre(box: Box): Point {
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 }
}
