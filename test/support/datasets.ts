import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import type { RgbImage } from '../../src/main/image/decode'

/**
 * The shared datasets (README: never copied into the project): `LIKENESS_DATASETS` when set,
 * else `../shared/datasets` beside the repository (the main checkout's layout). null when absent,
 * so that a test can skip with a message and a bench can say what it could not measure.
 */
export function sharedDatasets(): string | null {
  const dir = process.env.LIKENESS_DATASETS ?? path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'datasets')
  return existsSync(dir) ? dir : null
}

/** The front desk's face videos, d0 … d19, one person each. */
export const faceVideos = ['d0', 'd3', 'd6', 'd9', 'd12', 'd19'] as const

/** An empty doorway (content/amber.jpg) as a 640×480 camera frame: the front desk with nobody at it, and the room behind a spoof. */
export async function emptyDoorway(): Promise<RgbImage> {
  const { data } = await sharp(readFileSync(path.join(sharedDatasets()!, 'content', 'amber.jpg')))
    .resize(640, 480, { fit: 'cover' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
  return { width: 640, height: 480, data: new Uint8Array(data) }
}
