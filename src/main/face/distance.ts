// d(x1, x2) = ‖f(x1) − f(x2)‖²
export function squaredDistance(a: Float32Array, b: Float32Array): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) {
    const difference = a[i] - b[i]
    sum += difference * difference
  }
  return sum
}

// ‖x‖²
export function squaredNorm(a: Float32Array): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += a[i] * a[i]
  return sum
}
