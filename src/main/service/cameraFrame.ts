import { maxFramePixels, type CameraFrame } from '../../shared/api/checkin'
import { decodeImage, type RgbImage } from '../image/decode'

/**
 * A camera frame as the live pipeline samples it: RGB bytes as they came, or the view's JPEG
 * decoded (off this thread, by sharp), no larger than the largest frame the desk takes. A frame
 * that is not a picture is NotAnImage or CorruptImage, as a dropped photo would be.
 */
export async function frameImage(frame: CameraFrame): Promise<RgbImage> {
  if ('rgb' in frame) return { width: frame.width, height: frame.height, data: frame.rgb }
  return (await decodeImage(frame.jpeg, { maxPixels: maxFramePixels })).image
}
