import type { RgbImage } from '../src/main/image/decode'
import { videoFrames } from '../src/main/image/videoFrames'

/** The liveness benches feed the pipeline at about the rate it answers (bench:live): 15 frames a second. */
export const cameraFrameMs = 1000 / 15

/** Frames of the video in [from, to) ms, one every cameraFrameMs, as a camera at 15 fps would deliver them. */
export async function clipFrames(file: string, size: { width: number; height: number }, fromMs: number, toMs: number): Promise<{ image: RgbImage; at: number }[]> {
  const frames: { image: RgbImage; at: number }[] = []
  let next = 0
  for await (const frame of videoFrames(file, { ...size, start: fromMs / 1000, duration: (toMs - fromMs) / 1000 })) {
    if (frame.at + 1e-6 < next) continue
    frames.push({ image: frame.image, at: frame.at })
    next += cameraFrameMs
  }
  return frames
}
