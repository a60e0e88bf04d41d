import { analyzeFaces } from '../face/analyze'
import { chipTransform, extractChips } from '../face/align'
import type { FaceModels } from '../face/faceModels'
import type { RgbImage } from '../image/decode'
import type { Detector } from '../../shared/api/face'

/** A training example: the largest face's f(x) with the stock encoder and its aligned chip as bytes. */
export interface FaceSample {
  descriptor: Float32Array
  /** 150×150×3 RGB bytes; the input the fine-tuned encoder trains on. */
  chip: Uint8Array
}

/** Detect, align and encode once; everything after (heads, fine-tuning, calibration) reuses this. */
export async function faceSample(models: FaceModels, image: RgbImage, detector: Detector): Promise<FaceSample | null> {
  const [face] = await analyzeFaces(models, image, { detector })
  if (!face) return null
  const chips = extractChips(image, [chipTransform(face.landmarks)])
  const values = await chips.data()
  chips.dispose()
  return { descriptor: face.descriptor, chip: Uint8Array.from(values, (v) => Math.round(v * 255)) }
}
