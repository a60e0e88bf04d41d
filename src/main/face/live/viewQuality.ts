import type { RgbImage } from '../../image/decode'
import { faceQuality } from '../quality'
import type { Box } from '../../../shared/geometry'

const sampleSize = 64

/** The box sampled to size × size by nearest neighbour: a sharpness probe, not a picture to keep. */
function sampleBox(image: RgbImage, box: Box, size: number): RgbImage {
  const data = new Uint8Array(size * size * 3)
  for (let v = 0; v < size; v++) {
    const y = Math.min(image.height - 1, Math.max(0, Math.floor(box.y + ((v + 0.5) * box.height) / size)))
    for (let u = 0; u < size; u++) {
      const x = Math.min(image.width - 1, Math.max(0, Math.floor(box.x + ((u + 0.5) * box.width) / size)))
      const from = (y * image.width + x) * 3
      const to = (v * size + u) * 3
      data[to] = image.data[from]
      data[to + 1] = image.data[from + 1]
      data[to + 2] = image.data[from + 2]
    }
  }
  return { width: size, height: size, data }
}

/**
 * How good a view of the face is for encoding: frontality (1 facing the camera) times
 * log(1 + sharpness), the sharpness being enrollment's Laplacian variance on a 64-px sample of
 * the face box, so that it does not grow with the face's size in the frame.
 */
export function viewQuality(image: RgbImage, faceBox: Box, frontality: number): { sharpness: number; quality: number } {
  const { sharpness } = faceQuality(sampleBox(image, faceBox, sampleSize))
  return { sharpness, quality: frontality * Math.log1p(sharpness) }
}
