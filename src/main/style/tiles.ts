import * as tf from '@tensorflow/tfjs'

/**
 * Overlapping tiles for scales the wasm heap cannot hold whole (print sizes). Each tile is painted
 * on its own from the scale's start picture, against the same style targets, and the tiles are
 * blended back with weights that ramp linearly across the overlaps, so no tile's border (where it
 * saw reflected padding instead of its neighbour) shows. A tile needs nothing from another tile:
 * tiles can be painted in any order, or on different engine workers.
 */
export interface Tile {
  x: number
  y: number
  width: number
  height: number
}

/**
 * Tiles of at most `side` × `side` covering width × height, neighbours overlapping by at least
 * `overlap` px, spread evenly (the last tile is not a sliver). One tile when the picture fits.
 */
export function tileGrid(width: number, height: number, side: number, overlap: number): Tile[] {
  const starts = (length: number): { start: number; size: number }[] => {
    if (length <= side) return [{ start: 0, size: length }]
    const count = Math.ceil((length - overlap) / (side - overlap))
    const size = Math.min(side, Math.ceil((length + (count - 1) * overlap) / count))
    return Array.from({ length: count }, (_, i) => ({ start: Math.round((i * (length - size)) / (count - 1)), size }))
  }
  return starts(height).flatMap((row) => starts(width).map((column) => ({ x: column.start, y: row.start, width: column.size, height: row.size })))
}

/** The tile's part of a picture [1, h, w, c]. */
export function cutTile(image: tf.Tensor4D, tile: Tile): tf.Tensor4D {
  return image.slice([0, tile.y, tile.x, 0], [1, tile.height, tile.width, -1])
}

/**
 * Σ_t w_t·T_t / Σ_t w_t over the picture, w_t rising linearly from ~0 to 1 across each side the
 * tile shares with a neighbour (sides on the picture's border keep weight 1).
 */
export function blendTiles(width: number, height: number, tiles: readonly { tile: Tile; image: tf.Tensor4D }[]): tf.Tensor4D {
  return tf.tidy(() => {
    let sum: tf.Tensor4D = tf.zeros([1, height, width, 3])
    let weights: tf.Tensor4D = tf.zeros([1, height, width, 1])
    for (const { tile, image } of tiles) {
      const weight = featherWeights(tile, tiles.map((t) => t.tile))
      const placement: [number, number][] = [
        [0, 0],
        [tile.y, height - tile.y - tile.height],
        [tile.x, width - tile.x - tile.width],
        [0, 0]
      ]
      sum = sum.add(tf.pad(image.mul(weight), placement))
      weights = weights.add(tf.pad(weight, placement))
    }
    return sum.div(weights) as tf.Tensor4D
  })
}

function featherWeights(tile: Tile, all: readonly Tile[]): tf.Tensor4D {
  // How far the neighbours reach into this tile from each side: the width of that side's ramp.
  const others = all.filter((t) => t !== tile && overlaps(t, tile))
  const reach = (side: 'left' | 'right' | 'top' | 'bottom'): number => {
    let r = 0
    for (const t of others) {
      const rows = t.y < tile.y + tile.height && tile.y < t.y + t.height
      const columns = t.x < tile.x + tile.width && tile.x < t.x + t.width
      if (side === 'left' && rows && t.x < tile.x) r = Math.max(r, t.x + t.width - tile.x)
      if (side === 'right' && rows && t.x + t.width > tile.x + tile.width) r = Math.max(r, tile.x + tile.width - t.x)
      if (side === 'top' && columns && t.y < tile.y) r = Math.max(r, t.y + t.height - tile.y)
      if (side === 'bottom' && columns && t.y + t.height > tile.y + tile.height) r = Math.max(r, tile.y + tile.height - t.y)
    }
    return r
  }
  const ramp = (length: number, before: number, after: number): Float32Array =>
    Float32Array.from({ length }, (_, i) => Math.min(before > 0 ? (i + 0.5) / before : 1, after > 0 ? (length - i - 0.5) / after : 1, 1))
  const across = ramp(tile.width, reach('left'), reach('right'))
  const down = ramp(tile.height, reach('top'), reach('bottom'))
  return tf.tidy(() => tf.tensor2d(down, [tile.height, 1]).mul(tf.tensor2d(across, [1, tile.width])).reshape([1, tile.height, tile.width, 1]) as tf.Tensor4D)
}

function overlaps(a: Tile, b: Tile): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}

/**
 * Two tiles across the longer side, overlapping by `overlap` px: a scale the heap holds whole,
 * split so that two workers can paint it at once. Statistics are global (the style targets), so
 * each half is pulled towards the whole painting's, as tiles are.
 */
export function halves(width: number, height: number, overlap: number): Tile[] {
  if (width >= height) {
    const side = Math.ceil((width + overlap) / 2)
    return [
      { x: 0, y: 0, width: side, height },
      { x: width - side, y: 0, width: side, height }
    ]
  }
  const side = Math.ceil((height + overlap) / 2)
  return [
    { x: 0, y: 0, width, height: side },
    { x: 0, y: height - side, width, height: side }
  ]
}
