import { readFileSync } from 'node:fs'
import { decodeImage, type RgbImage } from '../../../../src/main/image/decode'

/** A real photo shipped with @vladmandic/face-api. */
export async function samplePhoto(n = 1): Promise<RgbImage> {
  return (await decodeImage(readFileSync(`node_modules/@vladmandic/face-api/demo/sample${n}.jpg`))).image
}

/**
 * A painting-like picture made here: swirling bands of a warm and a cool palette with short
 * diagonal strokes, so that its texture is nothing like a photo's.
 */
export function testPainting(width = 96, height = 96): RgbImage {
  const data = new Uint8Array(width * height * 3)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x / width - 0.5
      const v = y / height - 0.5
      const swirl = Math.sin(18 * Math.hypot(u, v) + 4 * Math.atan2(v, u))
      const stroke = Math.sin((x + y) * 1.3) * Math.sin((x - y) * 0.35)
      const i = (y * width + x) * 3
      data[i] = Math.round(128 + 100 * swirl + 20 * stroke)
      data[i + 1] = Math.round(110 + 60 * Math.sin(7 * u + 3 * swirl) + 25 * stroke)
      data[i + 2] = Math.round(140 - 90 * swirl + 15 * stroke)
    }
  }
  return { width, height, data }
}
