import { readFile } from 'node:fs/promises'
import { LikenessError } from '../../shared/errors'
import type { DatasetSource } from '../../shared/api/train'
import type { JobProgress } from '../../shared/jobs'
import type { EnginePool } from '../worker/pool'
import type { GalleryStore } from '../store/galleryStore'
import { chipLength } from '../face/align'
import type { FaceRows } from '../train/run'
import { listLabelledFolder } from './evaluate'
import { eachOnEngine, missedImages } from './eachOnEngine'
import { descriptorDimension, type Detector } from '../../shared/api/face'

export interface PreparedFaces extends FaceRows {
  /** Images without a usable face, and why. */
  missed: { file: string; kind: string }[]
  images: number
}

interface LabelledBytes {
  label: string
  name: string
  read(): Promise<Uint8Array>
}

async function listSource(source: DatasetSource | { kind: 'folder'; folder: string }, gallery: GalleryStore): Promise<LabelledBytes[]> {
  if (source.kind === 'folder') {
    return (await listLabelledFolder(source.folder)).map(({ label, file }) => ({ label, name: file, read: async () => new Uint8Array(await readFile(file)) }))
  }
  const names = new Map(gallery.people().map((p) => [p.id, p.name]))
  const photos = gallery.photos().map((photo) => ({ label: names.get(photo.personId) ?? photo.personId, name: photo.file, read: () => gallery.readPhoto(photo.id, 'full') }))
  if (photos.length === 0) throw new LikenessError('BadRequest', 'The gallery has no stored photos to train on.')
  return photos
}

/**
 * Faces detected, aligned and encoded ONCE per folder (or gallery state) and detector, then kept
 * for every later run in this session: training again with other settings costs no detection.
 */
export class TrainingData {
  private readonly cache = new Map<string, Promise<PreparedFaces>>()

  constructor(
    private readonly pool: EnginePool,
    /** The gallery in use when asked: the desk may switch between its own and a shared one. */
    private readonly galleryNow: () => GalleryStore
  ) {}

  private get gallery(): GalleryStore {
    return this.galleryNow()
  }

  load(source: DatasetSource | { kind: 'folder'; folder: string }, detector: Detector, report: (p: JobProgress) => void, signal: AbortSignal): Promise<PreparedFaces> {
    const key = source.kind === 'folder' ? `folder:${source.folder}:${detector}` : `gallery:${this.gallery.photos().map((p) => p.id).join(',')}:${detector}`
    let prepared = this.cache.get(key)
    if (!prepared) {
      prepared = this.prepare(source, detector, report, signal)
      this.cache.set(key, prepared)
      // A cancelled or failed preparation must not be served to the next run.
      prepared.catch(() => this.cache.delete(key))
    }
    return prepared
  }

  private async prepare(source: DatasetSource | { kind: 'folder'; folder: string }, detector: Detector, report: (p: JobProgress) => void, signal: AbortSignal): Promise<PreparedFaces> {
    const images = await listSource(source, this.gallery)
    const { results, failures } = await eachOnEngine(
      images,
      this.pool.size,
      async (image) => (await this.pool.run('train.sample', { image: await image.read(), detector }, { lane: 'batch', signal })) ?? undefined,
      (done, total) => report({ done, total, message: `faces: ${done} of ${total} images` })
    )
    const missed = missedImages(images.map((i) => i.name), results, failures)
    const kept = images.flatMap((image, i) => (results[i] ? [{ label: image.label, ...results[i] }] : []))
    const descriptors = new Float32Array(kept.length * descriptorDimension)
    const chips = new Uint8Array(kept.length * chipLength)
    kept.forEach((f, i) => {
      descriptors.set(f.descriptor, i * descriptorDimension)
      chips.set(f.chip, i * chipLength)
    })
    return { labels: kept.map((f) => f.label), descriptors, chips, missed, images: images.length }
  }
}

/** The rows at `indices`, as a split the engine can take. */
export function selectRows(faces: FaceRows, indices: readonly number[]): FaceRows {
  const descriptors = new Float32Array(indices.length * descriptorDimension)
  const chips = new Uint8Array(indices.length * chipLength)
  indices.forEach((row, i) => {
    descriptors.set(faces.descriptors.subarray(row * descriptorDimension, (row + 1) * descriptorDimension), i * descriptorDimension)
    chips.set(faces.chips.subarray(row * chipLength, (row + 1) * chipLength), i * chipLength)
  })
  return { labels: indices.map((i) => faces.labels[i]!), descriptors, chips }
}

export function descriptorRows(values: Float32Array): Float32Array[] {
  return Array.from({ length: values.length / descriptorDimension }, (_, i) => values.slice(i * descriptorDimension, (i + 1) * descriptorDimension))
}
