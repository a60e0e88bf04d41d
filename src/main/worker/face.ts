import { analyzeFaces } from '../face/analyze'
import { observeFrame } from '../face/live/observeFrame'
import { faceQuality } from '../face/quality'
import { decodeImage } from '../image/decode'
import { cropResize, fitWithin } from '../image/crop'
import { faceThumbnail } from '../image/thumbnail'
import { encodeJpeg } from '../image/encode'
import type { AnalyzedFace, OpHandlers } from './ops'
import { Embeddings, projectDescriptors } from './embedding'
import { models } from './models'

/** Stored photos are kept at this size: enough to re-encode when the encoder changes. */
const photoMaxSide = 1600
const qualitySize = 112

// The gallery's fine-tuned encoder or projection head, when it has one, loads once per worker too.
const embeddings = new Embeddings(models)

export const faceOps: Pick<OpHandlers, 'face.analyze' | 'face.live'> = {
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
      if (thumbnails) result.thumbnail = await faceThumbnail(image, face.box)
      analyzed.push(result)
    }
    return {
      width: image.width,
      height: image.height,
      faces: analyzed,
      photo: keepPhoto ? await encodeJpeg(await fitWithin(image, photoMaxSide), 92) : undefined
    }
  },
  'face.live': async ({ frame, plan, embedding }) => {
    const { models: face, head } = await embeddings.forVersion(embedding)
    const observation = await observeFrame(await models.liveModels(face), frame, plan)
    if (!head) return observation
    const encoded = observation.faces.flatMap((f, i) => (f.descriptor ? [i] : []))
    const projected = projectDescriptors(head, encoded.map((i) => observation.faces[i]!.descriptor!))
    encoded.forEach((i, k) => (observation.faces[i]!.descriptor = projected[k]!))
    return observation
  }
}
