/** Width of the encoder's embedding f(x): dlib's ResNet ends in one matrix product to 128-D. */
export const descriptorDimension = 128

/**
 * Same person when d ≤ τ. dlib publishes 0.6 as its threshold on the Euclidean distance
 * (99.38% on LFW); the seed's d is the squared distance, so the same decision is 0.6² = 0.36.
 */
export const defaultTau = 0.36

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
