/** Small summaries for benchmark JSON lines. */

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const position = (sorted.length - 1) * q
  const below = Math.floor(position)
  const above = Math.ceil(position)
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below)
}

export const median = (values: readonly number[]): number => quantile(values, 0.5)

export const mean = (values: readonly number[]): number => (values.length === 0 ? NaN : values.reduce((s, v) => s + v, 0) / values.length)

/** Rounded to `digits` decimals, for JSON lines a person reads. */
export const round = (value: number, digits = 1): number => Number(value.toFixed(digits))

export function summary(values: readonly number[]): { n: number; mean: number; p50: number; p95: number } {
  return { n: values.length, mean: round(mean(values)), p50: round(median(values)), p95: round(quantile(values, 0.95)) }
}
