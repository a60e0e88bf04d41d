import { describe, expect, it } from 'vitest'
import { scaleStages } from '../../../src/main/style/schedule'

const options = { multiScale: true, minSide: 128, minShortSide: 32 }

describe('coarse-to-fine schedule', () => {
  it('spends three quarters of the iterations below full size, halving up to it', () => {
    const stages = scaleStages({ width: 1024, height: 768 }, 512, 200, options)
    expect(stages.map((s) => s.width)).toEqual([128, 256, 512])
    expect(stages.map((s) => s.iterations)).toEqual([75, 75, 50])
  })

  it('runs one scale when multi-scale is off or the image is too small to halve', () => {
    expect(scaleStages({ width: 640, height: 480 }, 256, 40, { ...options, multiScale: false })).toEqual([{ width: 256, height: 192, iterations: 40 }])
    expect(scaleStages({ width: 640, height: 480 }, 200, 40, options)).toEqual([{ width: 200, height: 150, iterations: 40 }])
  })

  it('skips a coarse scale whose short side would be thinner than allowed', () => {
    const stages = scaleStages({ width: 1000, height: 200 }, 256, 20, options)
    expect(stages).toEqual([{ width: 256, height: 51, iterations: 20 }])
  })
})
