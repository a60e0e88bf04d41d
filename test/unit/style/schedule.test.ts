import { describe, expect, it } from 'vitest'
import { scaleStages } from '../../../src/main/style/schedule'

const options = { multiScale: true, minSide: 128, minShortSide: 32, fineShare: 0.5 }

describe('coarse-to-fine schedule', () => {
  it('halves up to full size, each scale with fineShare of the iterations of the one below, all of them used', () => {
    const stages = scaleStages({ width: 1024, height: 768 }, 512, 200, options)
    expect(stages.map((s) => s.width)).toEqual([128, 256, 512])
    // 200 · (4, 2, 1)/7 = 114.3, 57.1, 28.6: the largest remainder gets the one left over.
    expect(stages.map((s) => s.iterations)).toEqual([114, 57, 29])
    expect(scaleStages({ width: 1024, height: 768 }, 2048, 100, options).map((s) => [s.width, s.iterations])).toEqual([
      [128, 52],
      [256, 26],
      [512, 13],
      [1024, 6],
      [2048, 3]
    ])
    expect(scaleStages({ width: 1024, height: 768 }, 512, 90, { ...options, fineShare: 1 }).map((s) => s.iterations)).toEqual([30, 30, 30])
  })

  it('runs one scale when multi-scale is off or the image is too small to halve', () => {
    expect(scaleStages({ width: 640, height: 480 }, 256, 40, { ...options, multiScale: false })).toEqual([{ width: 256, height: 192, iterations: 40 }])
    expect(scaleStages({ width: 640, height: 480 }, 200, 40, options)).toEqual([{ width: 200, height: 150, iterations: 40 }])
  })

  it('always paints the finest scale, so the picture has the size asked for, however few the iterations', () => {
    expect(scaleStages({ width: 1024, height: 768 }, 256, 1, options)).toEqual([{ width: 256, height: 192, iterations: 1 }])
    expect(scaleStages({ width: 1024, height: 768 }, 512, 2, options).map((s) => [s.width, s.iterations])).toEqual([
      [256, 1],
      [512, 1]
    ])
  })

  it('skips a coarse scale whose short side would be thinner than allowed', () => {
    const stages = scaleStages({ width: 1000, height: 200 }, 256, 20, options)
    expect(stages).toEqual([{ width: 256, height: 51, iterations: 20 }])
  })
})
