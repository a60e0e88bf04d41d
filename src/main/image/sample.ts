import type { RgbImage } from './decode'

/** Output pixel (u, v) → source point: x = xu·u + xv·v + x0, y = yu·u + yv·v + y0 (an affine map). */
export interface PixelMap {
  xu: number
  xv: number
  x0: number
  yu: number
  yv: number
  y0: number
}

/**
 * A width × height RGB picture sampled from `image` through `map`, bilinearly, in [0, 1], black
 * outside the image (as dlib's extract_image_chip leaves it): written to out[offset …] row-major,
 * which must hold zeros.
 * The chips of the encoder and the crops of the live networks are all made here, in JS, from the
 * frame's bytes: uploading a whole 640×480 frame as a tensor costs more than the networks' crops.
 */
export function sampleBilinear(image: RgbImage, map: PixelMap, size: { width: number; height: number }, out: Float32Array, offset: number): void {
  const { width, height, data } = image
  const scale = 1 / 255
  const texel = (px: number, py: number, c: number): number => (px < 0 || py < 0 || px >= width || py >= height ? 0 : data[(py * width + px) * 3 + c])
  for (let v = 0; v < size.height; v++) {
    for (let u = 0; u < size.width; u++) {
      const x = map.xu * u + map.xv * v + map.x0
      const y = map.yu * u + map.yv * v + map.y0
      const left = Math.floor(x)
      const top = Math.floor(y)
      const fx = x - left
      const fy = y - top
      const o = offset + (v * size.width + u) * 3
      if (left >= 0 && top >= 0 && left + 1 < width && top + 1 < height) {
        // the common case, all four texels inside: no bounds checks
        const i00 = (top * width + left) * 3
        const i01 = i00 + width * 3
        const w00 = (1 - fx) * (1 - fy) * scale
        const w10 = fx * (1 - fy) * scale
        const w01 = (1 - fx) * fy * scale
        const w11 = fx * fy * scale
        out[o] = data[i00] * w00 + data[i00 + 3] * w10 + data[i01] * w01 + data[i01 + 3] * w11
        out[o + 1] = data[i00 + 1] * w00 + data[i00 + 4] * w10 + data[i01 + 1] * w01 + data[i01 + 4] * w11
        out[o + 2] = data[i00 + 2] * w00 + data[i00 + 5] * w10 + data[i01 + 2] * w01 + data[i01 + 5] * w11
        continue
      }
      if (left + 1 < 0 || top + 1 < 0 || left >= width || top >= height) continue // wholly outside: black (out is zeroed)
      for (let c = 0; c < 3; c++) {
        const upper = texel(left, top, c) * (1 - fx) + texel(left + 1, top, c) * fx
        const lower = texel(left, top + 1, c) * (1 - fx) + texel(left + 1, top + 1, c) * fx
        out[o + c] = (upper * (1 - fy) + lower * fy) * scale
      }
    }
  }
}
