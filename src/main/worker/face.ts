import { analyzeFaces } from '../face/analyze'
import { faceQuality } from '../face/quality'
import { decodeImage } from '../image/decode'
import { cropResize, expandRect, fitWithin } from '../image/crop'
import { encodeJpeg } from '../image/encode'
import type { AnalyzedFace, OpHandlers } from './ops'
import { Embeddings, projectDescriptors } from './embedding'
import { models } from './models'

/** Stored photos are kept at this size: enough to re-encode when the encoder changes. */
const photoMaxSide = 1600
const thumbnailSize = 160
const qualitySize = 112

// The gallery's fine-tuned encoder or projection head, when it has one, loads once per worker too.
const embeddings = new Embeddings(models)

export const faceOps: Pick<OpHandlers, 'face.analyze'> = {
  'face.analyze': async ({ image: bytes, detector, keepPhoto, thumbnails, embedding }) => {
    const { image } = await decodeImage(bytes)
    const { models, head } = await embeddings.forVersion(embedding)
    let faces = await analyzeFaces(models, image, { detector })
    if (head) {
      const projected = projectDescriptors(head, faces.map((f) => f.descriptor))
      faces = faces.map((face, i) => ({ ...face, descriptor: projected[i]! }))
    }
    const analyzed: AnalyzedFace[] = []
    for (const face of faces) {
      const crop = await cropResize(image, face.box, qualitySize)
      const result: AnalyzedFace = { ...face, quality: faceQuality(crop) }
      if (thumbnails) result.thumbnail = await encodeJpeg(await cropResize(image, expandRect(face.box, 0.25, image.width, image.height), thumbnailSize), 85)
      analyzed.push(result)
    }
    return {
      width: image.width,
      height: image.height,
      faces: analyzed,
      photo: keepPhoto ? await encodeJpeg(await fitWithin(image, photoMaxSide), 92) : undefined
    }
  }
}
