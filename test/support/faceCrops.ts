import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import sharp from 'sharp'
import type { Box } from '../../src/shared/geometry'
import type { FrameResult } from '../../src/shared/api/checkin'
import type { Service } from '../../src/main/service'

/** Real faces for tests: face-api's demo group photos, and single-face crops cut from them. */
const demo = path.join(path.dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo')

export const demoPhoto = (n: number): Promise<Uint8Array> => readFile(path.join(demo, `sample${n}.jpg`)).then((b) => new Uint8Array(b))

/** The face with a margin around it (0.6 of its size on each side), as JPEG. */
export async function cropFace(photo: Uint8Array, box: Box, margin = 0.6): Promise<Uint8Array> {
  const meta = await sharp(photo).metadata()
  const left = Math.max(0, Math.round(box.x - box.width * margin))
  const top = Math.max(0, Math.round(box.y - box.height * margin))
  const width = Math.min(meta.width! - left, Math.round(box.width * (1 + 2 * margin)))
  const height = Math.min(meta.height! - top, Math.round(box.height * (1 + 2 * margin)))
  return new Uint8Array(await sharp(photo).extract({ left, top, width, height }).jpeg({ quality: 92 }).toBuffer())
}

export interface CameraFrame {
  width: number
  height: number
  rgb: Uint8Array
}

/** A picture as a 640×480 camera frame (scaled to fit, black around it): what checkin.frame takes. */
export async function cameraFrame(picture: Uint8Array, width = 640, height = 480): Promise<CameraFrame> {
  const rgb = await sharp(picture).removeAlpha().resize(width, height, { fit: 'contain', background: { r: 0, g: 0, b: 0 } }).raw().toBuffer()
  return { width, height, rgb: new Uint8Array(rgb) }
}

/** A still held up to a desk's camera for `count` frames at 15 fps from `start`: each frame's answer. */
export async function holdStill(desk: Pick<Service, 'call'>, frame: CameraFrame, count: number, session: string, start = Date.now()): Promise<FrameResult[]> {
  const results: FrameResult[] = []
  for (let i = 0; i < count; i++) results.push(await desk.call('checkin.frame', { session, at: start + (i * 1000) / 15, frame }))
  return results
}
