import path from 'node:path'
import sharp from 'sharp'
import type { RgbImage } from '../../src/main/image/decode'
import { ffmpegAvailable, videoFrames } from '../../src/main/image/videoFrames'
import { sharedDatasets } from './datasets'

export interface ClipFrame {
  image: RgbImage
  at: number
  index: number
}

/** Why a video test cannot run here, or null when it can: it needs ffmpeg and ../shared/datasets/video. */
export async function videoTestsUnavailable(): Promise<string | null> {
  if (!sharedDatasets()) return 'needs ../shared/datasets (or LIKENESS_DATASETS): skipped'
  if (!(await ffmpegAvailable())) return 'needs ffmpeg to decode the face videos: skipped'
  return null
}

/** Seconds of one of the face videos at the front desk's 640×480, decoded by ffmpeg into memory. */
export async function videoClip(name: string, seconds: number, start = 0): Promise<ClipFrame[]> {
  const file = path.join(sharedDatasets()!, 'video', `${name}.mp4`)
  const frames: ClipFrame[] = []
  for await (const frame of videoFrames(file, { width: 640, height: 480, start, duration: seconds })) frames.push(frame)
  return frames
}

/** A frame as the JPEG a photo would be (to enroll someone from their own video). */
export async function frameJpeg({ width, height, data }: RgbImage): Promise<Uint8Array> {
  return new Uint8Array(await sharp(data, { raw: { width, height, channels: 3 } }).jpeg({ quality: 92 }).toBuffer())
}
