import type { RgbImage } from '../image/decode'
import { LikenessError } from '../../shared/errors'

export interface GridLayout {
  columns: number
  rows: number
  cellWidth: number
  cellHeight: number
  /** Pixels of background between cells and around the edge. */
  gap: number
}

/** A width × height picture filled with one colour. */
export function blankImage(width: number, height: number, colour: readonly [number, number, number]): RgbImage {
  const data = new Uint8Array(width * height * 3)
  for (let i = 0; i < data.length; i += 3) data.set(colour, i)
  return { width, height, data }
}

/** Copies `source` into `target` with its top-left corner at (top, left); the source must fit. */
export function paste(target: RgbImage, source: RgbImage, top: number, left: number): void {
  if (top < 0 || left < 0 || top + source.height > target.height || left + source.width > target.width) {
    throw new LikenessError('Internal', 'A tile does not fit where it was placed.', { top, left, width: source.width, height: source.height })
  }
  const rowBytes = source.width * 3
  for (let y = 0; y < source.height; y++) {
    const from = y * rowBytes
    target.data.set(source.data.subarray(from, from + rowBytes), ((top + y) * target.width + left) * 3)
  }
}

/** Top-left pixel of cell `index`, cells filled row by row. */
export function cellOrigin(layout: GridLayout, index: number): { top: number; left: number } {
  const row = Math.floor(index / layout.columns)
  const column = index % layout.columns
  return {
    top: layout.gap + row * (layout.cellHeight + layout.gap),
    left: layout.gap + column * (layout.cellWidth + layout.gap)
  }
}

/** Lays cells out row by row on a background; missing cells stay background. */
export function gridImage(cells: readonly (RgbImage | undefined)[], layout: GridLayout, background: readonly [number, number, number]): RgbImage {
  const width = layout.gap + layout.columns * (layout.cellWidth + layout.gap)
  const height = layout.gap + layout.rows * (layout.cellHeight + layout.gap)
  const grid = blankImage(width, height, background)
  cells.forEach((cell, index) => {
    if (!cell) return
    const { top, left } = cellOrigin(layout, index)
    paste(grid, cell, top, left)
  })
  return grid
}
