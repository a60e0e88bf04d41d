import * as tf from '@tensorflow/tfjs'
import type { Parameterisation } from '../../shared/api/style'
import { invert3, transpose3 } from './matrix3'

/**
 * What the optimiser moves instead of G's pixels (Mordvintsev, Pezzotti, Schubert & Olah,
 * "Differentiable Image Parameterizations", Distill 2018). G = decode(p) is linear in p, so the
 * gradient with respect to p is the adjoint applied to ∂J/∂G, and Adam's per-variable steps become
 * steps shaped by the basis: small for colour against brightness, small for fine detail against
 * broad areas. That is what stops networks other than VGG from painting rainbow speckle.
 */
export interface ImageParameters {
  /** Parameters whose decoding is exactly `image` ([1, h, w, 3] in [0, 1]). */
  encode(image: tf.Tensor4D): tf.Tensor
  /** G = decode(p), [1, h, w, 3]. */
  decode(params: tf.Tensor): tf.Tensor4D
  /** ∂J/∂p = decodeᵀ(∂J/∂G). */
  pullBack(imageGradient: tf.Tensor4D): tf.Tensor
  dispose(): void
}

/**
 * Lucid's square root of ImageNet's colour correlation (its SVD), columns scaled so the largest
 * is 1: the first column is about luminance, the other two are chroma directions ~4 and ~8 times
 * shorter. G's colour = M·d, so a step of the same size in each d channel moves chroma far less.
 */
const colourCorrelation = (() => {
  const m = [
    [0.26, 0.09, 0.02],
    [0.27, 0.0, -0.05],
    [0.27, -0.09, 0.03]
  ]
  const largest = Math.max(...[0, 1, 2].map((j) => Math.hypot(m[0][j], m[1][j], m[2][j])))
  return m.map((row) => row.map((v) => v / largest))
})()

/**
 * `coarserFrequency`: at a scale started from a coarser one, the frequencies (cycles per pixel) the
 * coarser scale could already draw, 0.25 after a halving. The 1/f basis stops boosting brightness
 * below it: those frequencies are in place, and what is left to paint is the detail above them.
 * Measured on one 1024 px picture: a full 1/f spectrum at every scale left it as blurred as its
 * upsampled 512 px scale (chroma speckle 0.05); flat below the coarser reach in every channel
 * brought back chroma speckle at 512 px (4.6 on the Kandinsky pair).
 */
export function imageParameters(kind: Parameterisation, height: number, width: number, coarserFrequency?: number): ImageParameters {
  switch (kind) {
    case 'pixels':
      return pixels()
    case 'decorrelated':
      return decorrelated(pixels())
    case 'fourier': {
      // Brightness (the first decorrelated channel) may take detail down to the coarser scale's
      // reach; the two chroma channels keep the full 1/f: colour stays smooth, edges sharpen.
      const lowest = 1 / Math.max(height, width)
      return decorrelated(cosineSpectrum(height, width, [coarserFrequency ?? lowest, lowest, lowest]))
    }
    case 'pyramid':
      return decorrelated(laplacianPyramid(height, width))
  }
}

/**
 * p ← the parameters of clip(decode(p)) to [0, 1]: the part of the picture outside the range is
 * encoded and taken away, so a parameterised G stays a picture as clipped pixels do. Returns the
 * new parameters and the picture they decode to.
 */
export function projectToPicture(parameters: ImageParameters, params: tf.Tensor): { params: tf.Tensor; image: tf.Tensor4D } {
  return tf.tidy(() => {
    const decoded = parameters.decode(params)
    const image = decoded.clipByValue(0, 1) as tf.Tensor4D
    return { params: params.sub(parameters.encode(decoded.sub(image) as tf.Tensor4D)), image }
  })
}

function pixels(): ImageParameters {
  return {
    encode: (image) => image.clone(),
    decode: (params) => params.clone() as tf.Tensor4D,
    pullBack: (gradient) => gradient.clone(),
    dispose() {}
  }
}

/** A spatial parameterisation in decorrelated colour: G = M·inner(p) per pixel. */
function decorrelated(inner: ImageParameters): ImageParameters {
  // Per pixel, rows [.., 3] times a matrix: x·Tᵀ applies T. No transposed operand (slow on wasm).
  const perPixel = (image: tf.Tensor4D, matrixTransposed: tf.Tensor2D): tf.Tensor4D =>
    tf.matMul(image.reshape([-1, 3]), matrixTransposed).reshape(image.shape) as tf.Tensor4D
  const m = tf.tensor2d(colourCorrelation)
  const mT = tf.tensor2d(transpose3(colourCorrelation))
  const mInverseT = tf.tensor2d(transpose3(invert3(colourCorrelation)))
  return {
    encode: (image) => tf.tidy(() => inner.encode(perPixel(image, mInverseT))),
    decode: (params) => tf.tidy(() => perPixel(inner.decode(params), mT)),
    // The adjoint of M per pixel is Mᵀ, applied as rows times M.
    pullBack: (gradient) => tf.tidy(() => inner.pullBack(perPixel(gradient, m))),
    dispose() {
      tf.dispose([m, mT, mInverseT])
      inner.dispose()
    }
  }
}

/**
 * G = D_hᵀ·(S ⊙ Z)·D_w per channel, with D the orthonormal DCT-II and S the 1/frequency scale.
 * The cosine transform is the real Fourier basis of a picture reflected at its borders, which the
 * network sees reflect-padded anyway; the FFT's wrap-around would tie opposite edges together.
 * S = 1/max(f, f₀), f = √((k/2h)² + (l/2w)²) cycles per pixel, f₀ = 1/max(h, w) (Distill) or the
 * coarser scale's reach, scaled to an RMS of 1 so that the learning rate means about what it means
 * for pixels.
 */
function cosineSpectrum(height: number, width: number, lowestFrequency: readonly number[]): ImageParameters {
  const dh = dctMatrix(height)
  const dw = dctMatrix(width)
  const dhT = dh.transpose() as tf.Tensor2D
  const dwT = dw.transpose() as tf.Tensor2D
  const scale = tf.tidy(() => {
    const fy = tf.range(0, height).div(2 * height).square().reshape([height, 1])
    const fx = tf.range(0, width).div(2 * width).square().reshape([1, width])
    const f = fy.add(fx).sqrt()
    const channels = lowestFrequency.map((f0) => {
      const s = tf.reciprocal(f.maximum(f0))
      return s.div(s.square().mean().sqrt())
    })
    return tf.stack(channels, 2).expandDims(0)
  })
  // Y = A·X·B on each channel of [1, h, w, 3]: rows by A, then columns by B.
  const sandwich = (x: tf.Tensor4D, a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor4D =>
    tf.tidy(() => {
      const rows = tf.matMul(a, x.reshape([height, width * 3])).reshape([height, width, 3])
      const channelsFirst = rows.transpose([2, 0, 1]).reshape([3 * height, width])
      return tf.matMul(channelsFirst, b).reshape([3, height, width]).transpose([1, 2, 0]).expandDims(0) as tf.Tensor4D
    })
  return {
    // Z = (D_h·x·D_wᵀ) / S
    encode: (image) => tf.tidy(() => sandwich(image, dh, dwT).div(scale)),
    decode: (params) => tf.tidy(() => sandwich((params as tf.Tensor4D).mul(scale), dhT, dw)),
    // adjoint: S ⊙ (D_h·g·D_wᵀ)
    pullBack: (gradient) => tf.tidy(() => sandwich(gradient, dh, dwT).mul(scale)),
    dispose() {
      tf.dispose([dh, dw, dhT, dwT, scale])
    }
  }
}

// D[k][n] = α_k·cos(π·(n + ½)·k / N), α_0 = √(1/N), α_k = √(2/N): orthonormal, D⁻¹ = Dᵀ.
function dctMatrix(n: number): tf.Tensor2D {
  const values = new Float32Array(n * n)
  for (let k = 0; k < n; k++) {
    const alpha = Math.sqrt((k === 0 ? 1 : 2) / n)
    for (let i = 0; i < n; i++) values[k * n + i] = alpha * Math.cos((Math.PI * (i + 0.5) * k) / n)
  }
  return tf.tensor2d(values, [n, n])
}

/**
 * G = Σ_k up(L_k): levels at 1, ½, ¼ … of the size, each upsampled (bilinear) to full size and
 * added. A step of the same size on every level moves broad areas together. Encoding puts the whole
 * picture in the finest level (decode ∘ encode is then exact); the optimiser spreads it from there.
 * The levels travel as one flat vector.
 */
function laplacianPyramid(height: number, width: number): ImageParameters {
  const sizes: [number, number][] = []
  for (let h = height, w = width; Math.min(h, w) >= 8; h = Math.ceil(h / 2), w = Math.ceil(w / 2)) sizes.push([h, w])
  const lengths = sizes.map(([h, w]) => h * w * 3)
  const levels = (params: tf.Tensor): tf.Tensor4D[] =>
    tf.split(params.reshape([-1]), lengths).map((flat, k) => flat.reshape([1, sizes[k][0], sizes[k][1], 3]) as tf.Tensor4D)
  const up = (level: tf.Tensor4D): tf.Tensor4D =>
    level.shape[1] === height && level.shape[2] === width ? level : tf.image.resizeBilinear(level, [height, width], false, true)
  // The adjoint of each upsampling, as tf's gradient of it (linear, so taken anywhere).
  const upAdjoints = sizes.map(() => tf.grad((level: tf.Tensor) => up(level as tf.Tensor4D)))
  return {
    encode: (image) => tf.tidy(() => tf.concat([image.reshape([-1]), tf.zeros([lengths.slice(1).reduce((a, b) => a + b, 0)])])),
    decode: (params) => tf.tidy(() => tf.addN(levels(params).map(up)) as tf.Tensor4D),
    pullBack: (gradient) =>
      tf.tidy(() => tf.concat(sizes.map(([h, w], k) => (k === 0 ? gradient : upAdjoints[k](tf.zeros([1, h, w, 3]), gradient)).reshape([-1])))),
    dispose() {}
  }
}
