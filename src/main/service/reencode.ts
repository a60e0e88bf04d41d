import type { JobProgress } from '../../shared/jobs'
import { descriptorDimension } from '../../shared/api/face'
import { squaredDistance } from '../face/distance'
import type { Store } from '../store'
import type { EmbeddingRecord } from '../store/schema'
import type { Faces } from './faces'

/**
 * Re-encodes every template from its stored photo in `target` and switches the gallery to it in
 * one store step. Enrolls meanwhile are encoded in a further pass; a cancel changes nothing.
 */
export async function reencodeGallery(
  faces: Faces,
  store: Store,
  target: EmbeddingRecord,
  report: (progress: JobProgress) => void,
  signal: AbortSignal
): Promise<{ templates: number; dropped: number }> {
  const descriptors = new Map<string, Float32Array>()
  let dropped = 0
  for (;;) {
    const stored = await store.gallery.load([])
    const templates = store.gallery.templates()
    const todo = templates.filter((t) => t.photoId !== null && !descriptors.has(t.id))
    for (const [i, template] of todo.entries()) {
      const row = stored.templateIds.indexOf(template.id)
      const now = stored.descriptors.subarray(row * descriptorDimension, (row + 1) * descriptorDimension)
      const descriptor = await descriptorIn(faces, store, target, now, template.photoId!, signal)
      if (descriptor) descriptors.set(template.id, descriptor)
      report({ done: i + 1, total: todo.length, message: `re-encoding: ${i + 1} of ${todo.length} templates` })
    }
    const result = await store.gallery.switchEmbedding(target, templates.map((t) => t.id), descriptors)
    if (result.switched) {
      dropped = result.dropped
      break
    }
  }
  return { templates: faces.templateCount, dropped }
}

/**
 * The template's face in its stored photo, in `target`; `stored` is its descriptor now. With
 * several faces in the photo, the one whose descriptor in the current embedding is nearest the
 * stored template is the enrolled one (the detector finds the same faces in the same order
 * whatever the encoder).
 */
async function descriptorIn(faces: Faces, store: Store, target: EmbeddingRecord, stored: Float32Array, photoId: string, signal: AbortSignal): Promise<Float32Array | undefined> {
  const photo = await store.gallery.readPhoto(photoId, 'full')
  const inTarget = await faces.analyze(photo, { embedding: store.gallery.resolveEmbedding(target), lane: 'batch', signal })
  if (inTarget.faces.length <= 1) return inTarget.faces[0]?.descriptor
  const now = await faces.analyze(photo, { lane: 'batch', signal })
  const distances = now.faces.map((f) => squaredDistance(f.descriptor, stored))
  return inTarget.faces[distances.indexOf(Math.min(...distances))]?.descriptor
}
