import type { StoreNotice } from '../../shared/api/system'
import type { TemplateRows } from '../face/gallery'
import type { EmbeddingVersion } from '../face/types'
import type { EmbeddingRecord, PersonRecord, PhotoRecord, TemplateRecord, TrainedModelRecord } from './schema'

export interface NewTemplate {
  descriptor: Float32Array
  /** JPEG of the whole picture and of the face, both kept for the gallery and re-encoding. */
  photo: Uint8Array
  thumbnail: Uint8Array
  /** Kept from a gallery file, so importing the same file twice can skip what is already here. */
  templateId?: string
  photoId?: string
  /** The embedding that made `descriptor` (the gallery's when absent); it must still be the gallery's when the records are written. */
  encoder?: string
}

/**
 * An existing person, or a new one by name (with the creation time a gallery file carries, and
 * the id a gallery being moved carries, so its check-ins still point at them).
 */
export type TemplateTarget = { personId: string } | { name: string; createdAt?: number; id?: string }

export interface StoredTemplate extends Required<NewTemplate> {
  encoder: string
}

export interface StoredPerson {
  /** Set when the person comes from a gallery store (moving a gallery), not from a gallery file. */
  id?: string
  name: string
  createdAt: number
  templates: StoredTemplate[]
}

/**
 * What changed in the templates, as the in-memory search matrix must follow it. A store reports
 * each change before the write that made it resolves, so a caller that awaited an enroll can
 * search for the person at once.
 */
export type GalleryChange = { kind: 'added'; rows: TemplateRows } | { kind: 'removed'; templateIds: readonly string[] } | { kind: 'replaced'; rows: TemplateRows }

/**
 * The gallery: people, their photos and templates, and the embedding the templates are in. Two
 * implementations: the embedded one in the data folder (gallery.ts) and a PostgreSQL server shared
 * by several desks (shared/gallery.ts). Reads are synchronous: the shared one answers from the
 * desk's mirror.
 */
export interface GalleryStore {
  people(): readonly PersonRecord[]
  /** Every stored photo, oldest first (a stable order for scans and training sets). */
  photos(): PhotoRecord[]
  photosOf(personId: string): PhotoRecord[]
  templates(): readonly TemplateRecord[]
  templateCountOf(personId: string): number
  person(personId: string): PersonRecord
  personByName(name: string): PersonRecord | undefined
  /** The id of the embedding the templates are in: an analysis must compute the same one. */
  embeddingId(): string
  /** The gallery's embedding with its files resolved: what every analysis must compute. */
  embedding(): EmbeddingVersion
  resolveEmbedding(record: EmbeddingRecord): EmbeddingVersion

  /** The templates as rows for the in-memory search matrix; problems found on the way go to `notices`. */
  load(notices: StoreNotice[]): Promise<TemplateRows>
  /** Every change to the templates from now on, whoever made it. */
  follow(listener: (change: GalleryChange) => void): () => void

  /** Several people's templates in one step: a failure anywhere leaves the store as it was. Returns each batch's person. */
  addTemplateBatches(batches: readonly { target: TemplateTarget; templates: readonly NewTemplate[] }[]): Promise<PersonRecord[]>
  /** Every person (or the one of `personId`) with each template's descriptor, photo and thumbnail: what a gallery export holds. */
  everything(personId?: string): Promise<StoredPerson[]>
  rename(personId: string, name: string): Promise<PersonRecord>
  /** Erases a person, their photos and templates; returns how many templates went. */
  forget(personId: string): Promise<number>
  removePhoto(photoId: string): Promise<PersonRecord>
  /** Erases every person, and whatever points into the gallery; returns how many people went. */
  wipe(): Promise<number>
  readPhoto(photoId: string, kind: 'thumbnail' | 'full'): Promise<Uint8Array>
  /** A stored photo by its `file`, as an explorer scan of the gallery records it. */
  readPhotoFile(file: string): Promise<Uint8Array>

  /** The embedding the kept trained models make, with private copies of their files. */
  embeddingFrom(kept: readonly TrainedModelRecord[], readValues: (model: TrainedModelRecord) => Promise<Uint8Array>): Promise<EmbeddingRecord>
  /** Deletes an embedding's copies that the gallery does not use. */
  discardEmbedding(embedding: EmbeddingRecord): Promise<void>
  /** Switches every template to `embedding` in one step, or changes nothing when the templates changed since `templateIds` was read. */
  switchEmbedding(embedding: EmbeddingRecord, templateIds: readonly string[], descriptors: ReadonlyMap<string, Float32Array>): Promise<{ switched: boolean; dropped: number }>
}

/** The listeners of a store's changes. */
export class ChangeFeed<T> {
  private readonly listeners = new Set<(change: T) => void>()

  follow(listener: (change: T) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit(change: T): void {
    for (const listener of this.listeners) listener(change)
  }
}
