/** 3×3 matrices as rows, for colour transforms: small enough to do by hand, exactly. */
export type Matrix3 = number[][]

export function transpose3(m: Matrix3): Matrix3 {
  return [0, 1, 2].map((j) => [0, 1, 2].map((i) => m[i][j]))
}

export function multiply3(a: Matrix3, b: Matrix3): Matrix3 {
  return [0, 1, 2].map((i) => [0, 1, 2].map((j) => a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j]))
}

export function invert3(m: Matrix3): Matrix3 {
  const [[a, b, c], [d, e, f], [g, h, i]] = m
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
  return [
    [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
    [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det]
  ]
}

/**
 * f(A) = V·diag(f(λ))·Vᵀ for a symmetric A (a covariance), by Jacobi rotations: √A and A^(−½)
 * for the Gaussian transport map of palette.ts.
 */
export function symmetricFunction3(a: Matrix3, f: (eigenvalue: number) => number): Matrix3 {
  const { values, vectors } = symmetricEigen3(a)
  const scaled = vectors.map((row) => row.map((v, j) => v * f(values[j])))
  return multiply3(scaled, transpose3(vectors))
}

/** Eigenvalues and eigenvectors (columns of `vectors`) of a symmetric 3×3 matrix. */
export function symmetricEigen3(a: Matrix3): { values: number[]; vectors: Matrix3 } {
  const m = a.map((row) => [...row])
  let v: Matrix3 = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1]
  ]
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = m[0][1] ** 2 + m[0][2] ** 2 + m[1][2] ** 2
    if (off < 1e-30) break
    for (const [p, q] of [
      [0, 1],
      [0, 2],
      [1, 2]
    ]) {
      if (Math.abs(m[p][q]) < 1e-300) continue
      // The rotation in the (p, q) plane that zeroes m[p][q].
      const theta = (m[q][q] - m[p][p]) / (2 * m[p][q])
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
      const c = 1 / Math.sqrt(t * t + 1)
      const s = t * c
      const rotation: Matrix3 = [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1]
      ]
      rotation[p][p] = c
      rotation[q][q] = c
      rotation[p][q] = s
      rotation[q][p] = -s
      const rotated = multiply3(multiply3(transpose3(rotation), m), rotation)
      for (let i = 0; i < 3; i++) m[i] = rotated[i]
      v = multiply3(v, rotation)
    }
  }
  return { values: [m[0][0], m[1][1], m[2][2]], vectors: v }
}
