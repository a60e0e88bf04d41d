import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { convolvePhoto, convolveSignal, convolveVolume, volumeFromFrames, volumeSlices } from '../../../src/main/explore/convData'
import { photoKernel, signalKernel, volumeKernel } from '../../../src/main/explore/convKernels'
import type { RgbImage } from '../../../src/main/image/decode'
import { sampleImages } from './fixtures'

beforeAll(async () => {
  await initBackend('wasm')
})

/** A dark 16 × 16 frame with a bright 4 × 4 square whose top-left corner is at (top, left). */
function frameWithSquare(top: number, left: number): RgbImage {
  const size = 16
  const data = new Uint8Array(size * size * 3).fill(40)
  for (let y = top; y < top + 4; y++) data.fill(230, (y * size + left) * 3, (y * size + left + 4) * 3)
  return { width: size, height: size, data }
}

describe('3D convolution on a volume of frames', () => {
  it('sees motion with a temporal difference only where the square moved', () => {
    const frames = [0, 1, 2, 3, 4].map((t) => frameWithSquare(6, 1 + 2 * t))
    const volume = volumeFromFrames(frames)
    const motion = convolveVolume(volume, volumeKernel('temporalDifference'))
    expect([motion.depth, motion.height, motion.width]).toEqual([4, 16, 16])
    const area = 16 * 16
    for (let d = 0; d < 4; d++) {
      for (let i = 0; i < area; i++) {
        const before = volume.data[d * area + i]
        const after = volume.data[(d + 1) * area + i]
        // Next frame minus this one: bright where the square arrived, dark where it left, zero elsewhere.
        expect(motion.data[d * area + i]).toBeCloseTo(after - before, 6)
        if (after === before) expect(motion.data[d * area + i]).toBe(0)
        else expect(Math.sign(motion.data[d * area + i])).toBe(after > before ? 1 : -1)
      }
    }
    const { slices, range } = volumeSlices(motion, 'signed')
    expect(slices).toHaveLength(4)
    expect(range.max).toBeCloseTo(range.min * -1, 6)
    // Row 7, column 0 never changes: mid-grey; column 5 is where the square arrives in the first step.
    expect(slices[0].data[(7 * 16 + 0) * 3]).toBe(128)
    expect(slices[0].data[(7 * 16 + 5) * 3]).toBe(255)
    expect(slices[0].data[(7 * 16 + 1) * 3]).toBe(1)
  })

  it('gives zeros for a still volume, and smoothing keeps a flat volume flat', () => {
    const still = volumeFromFrames([0, 1, 2, 3].map(() => frameWithSquare(5, 5)))
    const motion = convolveVolume(still, volumeKernel('temporalDifference'))
    expect(motion.data.every((value) => value === 0)).toBe(true)
    const flat = volumeFromFrames([0, 1, 2].map(() => ({ width: 8, height: 8, data: new Uint8Array(8 * 8 * 3).fill(102) })))
    const smooth = convolveVolume(flat, volumeKernel('smooth'))
    expect([smooth.depth, smooth.height, smooth.width]).toEqual([1, 6, 6])
    for (const value of smooth.data) expect(value).toBeCloseTo(0.4, 5)
    expect(() => convolveVolume(volumeFromFrames([frameWithSquare(0, 0)]), volumeKernel('temporalDifference'))).toThrow(
      expect.objectContaining({ kind: 'BadRequest' })
    )
  })
})

describe('1D and 2D convolution on real data', () => {
  it('takes the slope of a ramp with the edge kernel and keeps a level signal level with smoothing', () => {
    const ramp = Float32Array.from({ length: 12 }, (_, i) => 0.5 * i)
    const slope = convolveSignal(ramp, signalKernel('edge'))
    expect(slope).toHaveLength(12)
    // x[i+1] − x[i−1] = 2 · 0.5 inside; the zero padding shows at both ends.
    for (const value of slope.subarray(1, 11)) expect(value).toBeCloseTo(1, 6)
    const level = Float32Array.from({ length: 20 }, () => 3)
    for (const name of ['box', 'gaussian'] as const) {
      const smoothed = convolveSignal(level, signalKernel(name), 'valid')
      for (const value of smoothed) expect(value).toBeCloseTo(3, 5)
    }
    expect(signalKernel('random', 4).weights).toEqual(signalKernel('random', 4).weights)
    expect(signalKernel('random', 4).weights).not.toEqual(signalKernel('random', 5).weights)
  })

  it('finds a vertical edge with sobel x and not with sobel y', () => {
    const data = new Uint8Array(12 * 12 * 3)
    for (let y = 0; y < 12; y++) data.fill(255, (y * 12 + 6) * 3, (y * 12 + 12) * 3)
    const edge: RgbImage = { width: 12, height: 12, data }
    const across = convolvePhoto(edge, photoKernel('sobelX'))
    const along = convolvePhoto(edge, photoKernel('sobelY'))
    const at = (image: RgbImage, y: number, x: number): number => image.data[(y * 12 + x) * 3]
    expect(at(across.image, 6, 5)).toBe(255)
    expect(at(across.image, 6, 2)).toBe(128)
    expect(at(along.image, 6, 5)).toBe(128)
    // 1 + 2 + 1 at the step up; the zero padding past the bright right border is a step down.
    expect(across.range).toEqual({ min: -4, max: 4 })
  })

  it('runs a photo through every named kernel at its own size', async () => {
    const [photo] = await sampleImages()
    for (const name of ['sobelX', 'sobelY', 'blur', 'sharpen', 'random'] as const) {
      const { image, range } = convolvePhoto(photo, photoKernel(name))
      expect([image.width, image.height]).toEqual([photo.width, photo.height])
      expect(range.max).toBeGreaterThan(range.min)
    }
    const blurred = convolvePhoto(photo, photoKernel('blur'), 'valid')
    expect([blurred.image.width, blurred.image.height]).toEqual([photo.width - 4, photo.height - 4])
    expect(blurred.range.min).toBeGreaterThanOrEqual(0)
    expect(blurred.range.max).toBeLessThanOrEqual(1 + 1e-6)
  })
})
