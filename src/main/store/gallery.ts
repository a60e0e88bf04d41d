import { randomUUID } from 'node:crypto'
import { LikenessError } from '../../shared/errors'
import type { StoreNotice } from '../../shared/api/system'
import type { TemplateRows } from '../face/gallery'
import type { Database } from './db'
import type { StoreFiles } from './files'
import type { EmbeddingVersion } from '../face/types'
import { stockEncoder, type DbData, type EmbeddingRecord, type PersonRecord, type PhotoRecord, type TemplateRecord, type TrainedModelRecord } from './schema'
import type { GalleryDependent } from './cascade'
import { ChangeFeed, type GalleryChange, type GalleryStore, type NewTemplate, type StoredPerson, type StoredTemplate, type TemplateTarget } from './galleryStore'
import { appendTemplateRows, readTemplateMatrix, writeTemplateMatrix } from './templateMatrix'
import { descriptorDimension } from '../../shared/api/face'

const photoFile = (photoId: string): string => `photos/${photoId}.jpg`
const thumbnailFile = (photoId: string): string => `thumbnails/${photoId}.jpg`

const embeddingsFolder = 'embeddings'

/**
 * The embedded gallery: people, their photos and templates, and the embedding the templates are in. The one
 * writer of db.people, db.photos, db.templates, db.templateFile and db.embedding, of the template
 * matrix and of the photo and embedding files. db.json holds the records, one binary matrix file
 * holds the descriptors (row i ↔ templates[i]). Every change leaves them consistent at each step a
 * crash could interrupt; tables that point into the gallery follow in the same write (cascade.ts).
 */
export class LocalGallery implements GalleryStore {
  private readonly changes = new ChangeFeed<GalleryChange>()

  constructor(
    private readonly db: Database,
    private readonly files: StoreFiles,
    private readonly dependents: readonly GalleryDependent[]
  ) {}

  follow(listener: (change: GalleryChange) => void): () => void {
    return this.changes.follow(listener)
  }

  people(): readonly PersonRecord[] {
    return this.db.data.people
  }

  photos(): PhotoRecord[] {
    return [...this.db.data.photos].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
  }

  photosOf(personId: string): PhotoRecord[] {
    return this.db.data.photos.filter((p) => p.personId === personId)
  }

  templates(): readonly TemplateRecord[] {
    return this.db.data.templates
  }

  templateCountOf(personId: string): number {
    return this.db.data.templates.reduce((n, t) => n + (t.personId === personId ? 1 : 0), 0)
  }

  embeddingId(): string {
    return this.db.data.embedding.id
  }

  private get matrixFile(): string {
    return this.files.resolve(this.db.data.templateFile)
  }

  /**
   * The templates as rows for the in-memory gallery. A matrix with more rows than records lost
   * a crash between append and record: the extra rows are cut. Fewer rows than records means the
   * matrix file was damaged: the records without rows are dropped and reported.
   */
  async load(notices: StoreNotice[]): Promise<TemplateRows> {
    const matrix = await readTemplateMatrix(this.matrixFile, descriptorDimension, this.files.key)
    const records = this.db.data.templates
    if (matrix.rows > records.length) {
      await writeTemplateMatrix(this.matrixFile, descriptorDimension, matrix.values.slice(0, records.length * descriptorDimension), this.files.key)
    } else if (matrix.rows < records.length) {
      const lost = records.length - matrix.rows
      await this.db.update((draft) => {
        draft.templates = draft.templates.slice(0, matrix.rows)
      })
      notices.push({ kind: 'recovered-corrupt-file', message: `The template file was missing ${lost} templates; re-enroll the people affected.` })
    }
    const kept = this.db.data.templates
    return {
      templateIds: kept.map((t) => t.id),
      personIds: kept.map((t) => t.personId),
      descriptors: matrix.values.slice(0, kept.length * descriptorDimension)
    }
  }

  embedding(): EmbeddingVersion {
    return this.resolveEmbedding(this.db.data.embedding)
  }

  resolveEmbedding({ id, finetune, head }: EmbeddingRecord): EmbeddingVersion {
    return {
      id,
      finetune: finetune && { file: this.files.resolve(finetune.file), stage: finetune.stage },
      head: head && { file: this.files.resolve(head.file) }
    }
  }

  person(personId: string): PersonRecord {
    const person = this.db.data.people.find((p) => p.id === personId)
    if (!person) throw new LikenessError('UnknownPerson', 'That person is not in the gallery.', { personId })
    return person
  }

  personByName(name: string): PersonRecord | undefined {
    const wanted = name.trim().toLocaleLowerCase()
    return this.db.data.people.find((p) => p.name.toLocaleLowerCase() === wanted)
  }

  /**
   * Adds templates for existing people (personId) or new ones (name). Photos first, then the
   * matrix rows, then the records that make them count: one matrix append and one record write
   * for all, and a failure undoes what came before.
   */
  async addTemplateBatches(batches: readonly { target: TemplateTarget; templates: readonly NewTemplate[] }[]): Promise<PersonRecord[]> {
    const planned = batches.map(({ target, templates }) => ({
      person: 'personId' in target ? this.person(target.personId) : { id: target.id ?? randomUUID(), name: target.name.trim(), createdAt: target.createdAt ?? Date.now() },
      isNew: !('personId' in target),
      templates,
      photoIds: templates.map((t) => t.photoId ?? randomUUID()),
      templateIds: templates.map((t) => t.templateId ?? randomUUID())
    }))
    const all = planned.flatMap((p) => p.templates)
    const written: string[] = []
    const descriptors = new Float32Array(all.length * descriptorDimension)
    all.forEach((t, i) => descriptors.set(t.descriptor, i * descriptorDimension))
    const rowsBefore = this.db.data.templates.length
    // A re-encode may switch the matrix file meanwhile: append to, and undo in, the one read now.
    const matrixFile = this.matrixFile
    const encoder = this.db.data.embedding.id
    try {
      for (const p of planned) {
        for (const [i, t] of p.templates.entries()) {
          await this.files.write(photoFile(p.photoIds[i]!), t.photo)
          written.push(photoFile(p.photoIds[i]!))
          await this.files.write(thumbnailFile(p.photoIds[i]!), t.thumbnail)
          written.push(thumbnailFile(p.photoIds[i]!))
        }
      }
      const rowsAfter = await appendTemplateRows(matrixFile, descriptorDimension, descriptors, this.files.key)
      if (rowsAfter !== rowsBefore + all.length) throw new LikenessError('StoreCorrupt', 'The template file and the records disagree.')
      const now = Date.now()
      await this.db.update((draft) => {
        if (draft.embedding.id !== encoder || all.some((t) => (t.encoder ?? encoder) !== encoder)) {
          throw new LikenessError('Busy', 'The gallery switched to another face encoder meanwhile; enroll again.', { encoder: draft.embedding.id })
        }
        for (const p of planned) {
          if (p.isNew) draft.people.push(p.person)
          p.photoIds.forEach((photoId, i) => {
            draft.photos.push({ id: photoId, personId: p.person.id, file: photoFile(photoId), createdAt: now })
            draft.templates.push({ id: p.templateIds[i]!, personId: p.person.id, photoId, encoder })
          })
        }
      })
    } catch (error) {
      await this.files.remove(written)
      // After a switch the old file is gone: nothing to undo there.
      if (matrixFile === this.matrixFile) await this.cutMatrixTo(rowsBefore)
      throw error
    }
    this.changes.emit({
      kind: 'added',
      rows: { templateIds: planned.flatMap((p) => p.templateIds), personIds: planned.flatMap((p) => p.templateIds.map(() => p.person.id)), descriptors }
    })
    return planned.map((p) => p.person)
  }

  /** Every person (or the one of `personId`) with each template's descriptor, photo and thumbnail: what a gallery export holds. */
  async everything(personId?: string): Promise<StoredPerson[]> {
    const matrix = await readTemplateMatrix(this.matrixFile, descriptorDimension, this.files.key)
    const rowOf = new Map(this.db.data.templates.map((t, i) => [t.id, i]))
    const result: StoredPerson[] = []
    for (const person of this.db.data.people.filter((p) => personId === undefined || p.id === personId)) {
      const templates: StoredTemplate[] = []
      for (const t of this.db.data.templates.filter((t) => t.personId === person.id && t.photoId !== null)) {
        const row = rowOf.get(t.id)!
        templates.push({
          templateId: t.id,
          photoId: t.photoId!,
          encoder: t.encoder,
          descriptor: matrix.values.slice(row * descriptorDimension, (row + 1) * descriptorDimension),
          photo: await this.files.read(photoFile(t.photoId!)),
          thumbnail: await this.files.read(thumbnailFile(t.photoId!))
        })
      }
      result.push({ id: person.id, name: person.name, createdAt: person.createdAt, templates })
    }
    return result
  }

  async rename(personId: string, name: string): Promise<PersonRecord> {
    this.person(personId)
    const clash = this.personByName(name)
    if (clash && clash.id !== personId) throw new LikenessError('BadRequest', `Someone is already called ${clash.name}.`, { personId: clash.id })
    await this.db.update((draft) => {
      const person = draft.people.find((p) => p.id === personId)!
      person.name = name.trim()
      for (const dependent of this.dependents) dependent.personRenamed?.(draft, personId, person.name)
    })
    return this.person(personId)
  }

  /** Erases a person: records and matrix switch together, then their files go. */
  async forget(personId: string): Promise<number> {
    this.person(personId)
    const photos = this.photosOf(personId).map((p) => p.id)
    const { removed, files } = await this.rewriteWithout(
      (t) => t.personId === personId,
      (draft) => {
        draft.people = draft.people.filter((p) => p.id !== personId)
        draft.photos = draft.photos.filter((p) => p.personId !== personId)
        return this.dependents.flatMap((dependent) => dependent.personForgotten?.(draft, personId) ?? [])
      }
    )
    await this.files.remove([...photos.flatMap((id) => [photoFile(id), thumbnailFile(id)]), ...files])
    return removed
  }

  async removePhoto(photoId: string): Promise<PersonRecord> {
    const photo = this.db.data.photos.find((p) => p.id === photoId)
    if (!photo) throw new LikenessError('NotFound', 'That photo is not in the gallery.', { photoId })
    const { files } = await this.rewriteWithout(
      (t) => t.photoId === photoId,
      (draft) => {
        draft.photos = draft.photos.filter((p) => p.id !== photoId)
        return this.dependents.flatMap((dependent) => dependent.photoRemoved?.(draft, photoId) ?? [])
      }
    )
    await this.files.remove([photoFile(photoId), thumbnailFile(photoId), ...files])
    return this.person(photo.personId)
  }

  async wipe(): Promise<number> {
    const people = this.db.data.people.length
    const photos = this.db.data.photos.flatMap((p) => [photoFile(p.id), thumbnailFile(p.id)])
    const { files } = await this.rewriteWithout(
      () => true,
      (draft) => {
        draft.people = []
        draft.photos = []
        return this.dependents.flatMap((dependent) => dependent.galleryWiped?.(draft) ?? [])
      }
    )
    await this.files.remove([...photos, ...files])
    return people
  }

  /**
   * The embedding the kept trained models make, with private copies of their files: reverting or
   * retiring a model later deletes its file, not the gallery's copy.
   */
  async embeddingFrom(kept: readonly TrainedModelRecord[], readValues: (model: TrainedModelRecord) => Promise<Uint8Array>): Promise<EmbeddingRecord> {
    const finetune = kept.find((m) => m.mode === 'finetune')
    const head = kept.find((m) => m.mode === 'head')
    const id = [stockEncoder, finetune && `finetune:${finetune.id}`, head && `head:${head.id}`].filter(Boolean).join('+')
    const copy = async (model: TrainedModelRecord): Promise<string> => {
      const file = `${embeddingsFolder}/${model.id}.f32`
      await this.files.write(file, await readValues(model))
      return file
    }
    return {
      id,
      // Models stored before the stage was recorded were fine-tuned from fc, the old default.
      finetune: finetune && { file: await copy(finetune), stage: finetune.stage ?? 'fc' },
      head: head && { file: await copy(head) }
    }
  }

  /** Deletes an embedding's copies that the gallery does not use (a switch that was cancelled or failed). */
  async discardEmbedding(embedding: EmbeddingRecord): Promise<void> {
    const inUse = [this.db.data.embedding.finetune?.file, this.db.data.embedding.head?.file]
    await this.files.remove([embedding.finetune?.file, embedding.head?.file].filter((f): f is string => f !== undefined && !inUse.includes(f)))
  }

  /**
   * Switches the gallery to `embedding`: every template's new descriptor (by template id) goes to
   * a new matrix file, and one db write switches the file, the records' encoder and the embedding
   * together. Templates without a new descriptor (no stored photo, or no face found again) are
   * dropped. Returns false, changing nothing, when the templates changed since `templateIds` was
   * read (an enroll or deletion meanwhile): the caller encodes the difference and tries again.
   */
  async switchEmbedding(embedding: EmbeddingRecord, templateIds: readonly string[], descriptors: ReadonlyMap<string, Float32Array>): Promise<{ switched: boolean; dropped: number }> {
    const kept = templateIds.filter((id) => descriptors.has(id))
    const values = new Float32Array(kept.length * descriptorDimension)
    kept.forEach((id, i) => values.set(descriptors.get(id)!, i * descriptorDimension))
    const previous = { matrix: this.db.data.templateFile, embedding: this.db.data.embedding }
    const nextFile = `templates-${Date.now()}-${randomUUID().slice(0, 8)}.lktm`
    await writeTemplateMatrix(this.files.resolve(nextFile), descriptorDimension, values, this.files.key)
    let switched: boolean
    try {
      switched = await this.db.update((draft) => {
        const unchanged = draft.templateFile === previous.matrix && draft.templates.length === templateIds.length && draft.templates.every((t, i) => t.id === templateIds[i])
        if (!unchanged) return false
        draft.templates = draft.templates.filter((t) => descriptors.has(t.id)).map((t) => ({ ...t, encoder: embedding.id }))
        draft.templateFile = nextFile
        draft.embedding = embedding
        return true
      })
    } catch (error) {
      await this.files.remove([nextFile])
      throw error
    }
    if (!switched) {
      await this.files.remove([nextFile])
      return { switched, dropped: 0 }
    }
    this.changes.emit({ kind: 'replaced', rows: { templateIds: kept, personIds: this.db.data.templates.map((t) => t.personId), descriptors: values } })
    const inUse = new Set([embedding.finetune?.file, embedding.head?.file])
    await this.files.remove([previous.matrix, ...[previous.embedding.finetune?.file, previous.embedding.head?.file].filter((f): f is string => f !== undefined && !inUse.has(f))])
    return { switched, dropped: templateIds.length - kept.length }
  }

  readPhotoFile(file: string): Promise<Uint8Array> {
    if (!this.db.data.photos.some((p) => p.file === file)) throw new LikenessError('NotFound', 'That photo is no longer in the gallery.', { file })
    return this.files.read(file)
  }

  readPhoto(photoId: string, kind: 'thumbnail' | 'full'): Promise<Uint8Array> {
    if (!this.db.data.photos.some((p) => p.id === photoId)) throw new LikenessError('NotFound', 'That photo is not in the gallery.', { photoId })
    return this.files.read(kind === 'full' ? photoFile(photoId) : thumbnailFile(photoId))
  }

  /**
   * The matrix without the doomed rows goes to a new file; one db write drops the records, switches
   * files and makes `alsoChange`'s changes, which return the files to delete once it is on disk.
   */
  private async rewriteWithout(
    doomed: (t: { personId: string; photoId: string | null }) => boolean,
    alsoChange: (draft: DbData) => string[]
  ): Promise<{ removed: number; files: string[] }> {
    const records = this.db.data.templates
    const matrix = await readTemplateMatrix(this.matrixFile, descriptorDimension, this.files.key)
    const keep = records.map((t, i) => (doomed(t) ? -1 : i)).filter((i) => i >= 0)
    const values = new Float32Array(keep.length * descriptorDimension)
    keep.forEach((row, i) => values.set(matrix.values.subarray(row * descriptorDimension, (row + 1) * descriptorDimension), i * descriptorDimension))
    const previousFile = this.db.data.templateFile
    const nextFile = `templates-${Date.now()}-${randomUUID().slice(0, 8)}.lktm`
    await writeTemplateMatrix(this.files.resolve(nextFile), descriptorDimension, values, this.files.key)
    let files: string[]
    try {
      files = await this.db.update((draft) => {
        draft.templates = keep.map((i) => draft.templates[i]!)
        draft.templateFile = nextFile
        return alsoChange(draft)
      })
    } catch (error) {
      await this.files.remove([nextFile])
      throw error
    }
    await this.files.remove([previousFile])
    const kept = new Set(keep)
    this.changes.emit({ kind: 'removed', templateIds: records.flatMap((t, i) => (kept.has(i) ? [] : [t.id])) })
    return { removed: records.length - keep.length, files }
  }

  private async cutMatrixTo(rows: number): Promise<void> {
    const matrix = await readTemplateMatrix(this.matrixFile, descriptorDimension, this.files.key)
    if (matrix.rows > rows) await writeTemplateMatrix(this.matrixFile, descriptorDimension, matrix.values.slice(0, rows * descriptorDimension), this.files.key)
  }
}
