/**
 * CIELAB (D65 white, sRGB primaries): a colour space where equal distances look about equally
 * different, so palettes are compared and matched there rather than in RGB. Over flat typed arrays
 * of interleaved pixels: one loop per picture is ten times quicker here than the same arithmetic
 * as a dozen wasm tensor ops, whose channel splits dominate.
 */

// sRGB (linear) → XYZ, rows X, Y, Z, each divided by the D65 white's X, Y, Z (IEC 61966-2-1).
const white = [0.95047, 1, 1.08883]
const rgbToXyz = [
  [0.4124564, 0.3575761, 0.1804375],
  [0.2126729, 0.7151522, 0.072175],
  [0.0193339, 0.119192, 0.9503041]
].map((row, i) => row.map((v) => v / white[i]))
const xyzToRgb = [
  [3.2404542, -1.5371385, -0.4985314],
  [-0.969266, 1.8760108, 0.041556],
  [0.0556434, -0.2040259, 1.0572252]
].map((row) => row.map((v, j) => v * white[j]))
const delta = 6 / 29

// c_lin = c/12.92 if c ≤ 0.04045, else ((c + 0.055)/1.055)^2.4
function linearise(c: number): number {
  const x = Math.min(1, Math.max(0, c))
  return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4
}

function gammaEncode(c: number): number {
  const x = Math.min(1, Math.max(0, c))
  return x <= 0.0031308 ? 12.92 * x : 1.055 * x ** (1 / 2.4) - 0.055
}

// f(t) = ∛t if t > δ³, else t/(3δ²) + 4/29
function labF(t: number): number {
  return t > delta ** 3 ? Math.cbrt(t) : t / (3 * delta ** 2) + 4 / 29
}

function labFInverse(f: number): number {
  return f > delta ? f ** 3 : 3 * delta ** 2 * (f - 4 / 29)
}

/** RGB in [0, 1], interleaved → L* in [0, 100], a*, b* about ±100, interleaved. */
export function rgbToLab(rgb: ArrayLike<number>): Float32Array {
  const lab = new Float32Array(rgb.length)
  const [mx, my, mz] = rgbToXyz
  for (let i = 0; i < rgb.length; i += 3) {
    const r = linearise(rgb[i])
    const g = linearise(rgb[i + 1])
    const b = linearise(rgb[i + 2])
    const fx = labF(mx[0] * r + mx[1] * g + mx[2] * b)
    const fy = labF(my[0] * r + my[1] * g + my[2] * b)
    const fz = labF(mz[0] * r + mz[1] * g + mz[2] * b)
    // L* = 116 f(Y) − 16, a* = 500 (f(X) − f(Y)), b* = 200 (f(Y) − f(Z))
    lab[i] = 116 * fy - 16
    lab[i + 1] = 500 * (fx - fy)
    lab[i + 2] = 200 * (fy - fz)
  }
  return lab
}

/** The inverse of rgbToLab, clipped to [0, 1] where a Lab colour lies outside sRGB. */
export function labToRgb(lab: ArrayLike<number>): Float32Array {
  const rgb = new Float32Array(lab.length)
  const [mr, mg, mb] = xyzToRgb
  for (let i = 0; i < lab.length; i += 3) {
    const fy = (lab[i] + 16) / 116
    const x = labFInverse(fy + lab[i + 1] / 500)
    const y = labFInverse(fy)
    const z = labFInverse(fy - lab[i + 2] / 200)
    rgb[i] = gammaEncode(mr[0] * x + mr[1] * y + mr[2] * z)
    rgb[i + 1] = gammaEncode(mg[0] * x + mg[1] * y + mg[2] * z)
    rgb[i + 2] = gammaEncode(mb[0] * x + mb[1] * y + mb[2] * z)
  }
  return rgb
}

/** An 8-bit picture's pixels as CIELAB, interleaved. */
export function bytesToLab(data: Uint8Array): Float32Array {
  const rgb = new Float32Array(data.length)
  for (let i = 0; i < data.length; i++) rgb[i] = data[i] / 255
  return rgbToLab(rgb)
}
