import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import sharp from 'sharp'
import type { Box } from '../../src/shared/geometry'

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
