/**
 * int8 and int16 codes of descriptors: the gallery streams a quarter of the bytes a float32 scan
 * would, and keeps an exact answer by bounding what the codes miss.
 */

/**
 * Codes x ≈ scale·c with integers |c| ≤ levels (127 for templates in int8, 32767 for queries in
 * int16, so that the integer dot product cannot overflow: 128·127·32767 < 2³¹). `residual` is
 * ‖x − scale·c‖, by Cauchy–Schwarz a bound on what the codes miss in any dot product with x.
 * The scale is rounded to float32 first, because float32 is what the kernel multiplies by.
 */
export function quantize(x: Float32Array, codes: Int8Array | Int16Array, levels: number): { scale: number; residual: number } {
  let largest = 0
  for (let j = 0; j < x.length; j++) largest = Math.max(largest, Math.abs(x[j]))
  const scale = Math.fround(largest / levels) || 1
  let residual = 0
  for (let j = 0; j < x.length; j++) {
    const c = Math.max(-levels, Math.min(levels, Math.round(x[j] / scale)))
    codes[j] = c
    residual += (x[j] - scale * c) ** 2
  }
  return { scale, residual: Math.sqrt(residual) }
}
