import { describe, expect, it } from 'vitest'
import { CameraViews } from '../../../src/main/service/cameraViews'

describe('CameraViews', () => {
  it('is open from a frame until five seconds pass without another, and never before the first', () => {
    let now = 1_000
    const cameras = new CameraViews(() => now)
    expect(cameras.open()).toBe(false)
    cameras.frameSeen()
    now += 4_999
    expect(cameras.open()).toBe(true)
    now += 1
    expect(cameras.open()).toBe(false)
    cameras.frameSeen()
    expect(cameras.open()).toBe(true)
  })
})
