import type { Box } from '../../shared/geometry'
import { cropResize, expandRect } from './crop'
import type { RgbImage } from './decode'
import { encodeJpeg } from './encode'

const thumbnailSize = 160

/** A face's thumbnail as the gallery and the check-in log keep it: the box and a quarter more each side, 160 px, JPEG. */
export async function faceThumbnail(image: RgbImage, box: Box): Promise<Uint8Array> {
  return encodeJpeg(await cropResize(image, expandRect(box, 0.25, image.width, image.height), thumbnailSize), 85)
}
