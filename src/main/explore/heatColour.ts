/**
 * Matplotlib's viridis at nine evenly spaced stops: perceptually uniform and readable by
 * colour-blind users, so equal steps in activation look like equal steps in colour.
 */
const viridisStops: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [71, 45, 123],
  [59, 82, 139],
  [44, 114, 142],
  [33, 145, 140],
  [40, 174, 128],
  [94, 201, 98],
  [173, 220, 48],
  [253, 231, 37]
]

/** 256 RGB entries, stops joined linearly: entry i is the colour of i / 255. */
export const viridisTable: Uint8Array = (() => {
  const table = new Uint8Array(256 * 3)
  const segments = viridisStops.length - 1
  for (let i = 0; i < 256; i++) {
    const position = (i / 255) * segments
    const lower = Math.min(Math.floor(position), segments - 1)
    const along = position - lower
    for (let c = 0; c < 3; c++) {
      table[i * 3 + c] = Math.round(viridisStops[lower][c] * (1 - along) + viridisStops[lower + 1][c] * along)
    }
  }
  return table
})()

// entry = round(255 · (v − min) / (max − min)), clamped; a flat map (max = min) takes the lowest colour
export function heatIndex(value: number, min: number, max: number): number {
  if (!(max > min)) return 0
  return Math.min(255, Math.max(0, Math.round((255 * (value - min)) / (max - min))))
}
