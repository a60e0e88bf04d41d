import { randomUUID } from 'node:crypto'
import type pg from 'pg'
import { LikenessError } from '../../../shared/errors'
import type { TemplateRows } from '../../face/gallery'
import type { EmbeddingVersion } from '../../face/types'
import type { GalleryChange, GalleryStore, NewTemplate, StoredPerson, TemplateTarget } from '../galleryStore'
import type { EmbeddingRecord, PersonRecord, PhotoRecord, TemplateRecord, TrainedModelRecord } from '../schema'
import { descriptorOf, epochMs, lockGallery, recordChanges, type GalleryChangeRecord } from './changeLog'
import type { Mirror } from './mirror'
import type { SealedColumns } from './sealedColumns'
import type { SharedServer } from './server'

const photoPrefix = 'shared:'

const bytesOf = (values: Float32Array | Uint8Array): Uint8Array => new Uint8Array(values.buffer, values.byteOffset, values.byteLength)

async function personRow(client: pg.ClientBase, where: 'id' | 'name', value: string): Promise<PersonRecord | undefined> {
  const condition = where === 'id' ? 'id = $1' : 'lower(name) = lower($1)'
  const [row] = (await client.query<{ id: string; name: string; created_at: number }>(`SELECT id, name, ${epochMs('created_at')} AS created_at FROM likeness.people WHERE ${condition}`, [value])).rows
  return row && { id: row.id, name: row.name, createdAt: row.created_at }
}

/**
 * The shared gallery as a desk sees it: reads from the desk's mirror (so identifying, naming and
 * listing work while the server is away), writes to the server in one transaction each, after
 * which the desk catches up from the change log — its own change arrives the way every other
 * desk's does. Writing needs the server: offline, enrolling and forgetting fail with Offline.
 *
 * Photos, thumbnails and descriptors go to the server sealed under the gallery key and are opened
 * when read back (sealedColumns.ts): the server's disk holds no face.
 *
 * The templates stay in the stock encoder: every desk must compute descriptors the others can
 * compare, so re-encoding with a model trained on one desk is refused here.
 */
export class SharedGallery implements GalleryStore {
  constructor(
    private readonly server: SharedServer,
    private readonly mirror: Mirror,
    /** The desk's own gallery, which keeps the embedding files of its training lab. */
    private readonly local: GalleryStore,
    /** Catches the mirror up with the server; resolves once it has. */
    private readonly sync: () => Promise<void>,
    /** The biometric columns under the gallery key. */
    private readonly columns: () => SealedColumns
  ) {}

  people(): readonly PersonRecord[] {
    return this.mirror.personList()
  }

  photos(): PhotoRecord[] {
    return this.mirror.photoList().sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
  }

  photosOf(personId: string): PhotoRecord[] {
    return this.mirror.photosOf(personId)
  }

  templates(): readonly TemplateRecord[] {
    return this.mirror.templateList()
  }

  templateCountOf(personId: string): number {
    return this.mirror.templateCountOf(personId)
  }

  person(personId: string): PersonRecord {
    const person = this.mirror.person(personId)
    if (!person) throw new LikenessError('UnknownPerson', 'That person is not in the gallery.', { personId })
    return person
  }

  personByName(name: string): PersonRecord | undefined {
    const wanted = name.trim().toLocaleLowerCase()
    return this.mirror.personList().find((p) => p.name.toLocaleLowerCase() === wanted)
  }

  embeddingId(): string {
    return this.mirror.encoder
  }

  embedding(): EmbeddingVersion {
    return { id: this.embeddingId() }
  }

  resolveEmbedding(record: EmbeddingRecord): EmbeddingVersion {
    return this.local.resolveEmbedding(record)
  }

  async load(): Promise<TemplateRows> {
    return this.mirror.rows()
  }

  follow(listener: (change: GalleryChange) => void): () => void {
    return this.mirror.changes.follow(listener)
  }

  async addTemplateBatches(batches: readonly { target: TemplateTarget; templates: readonly NewTemplate[] }[]): Promise<PersonRecord[]> {
    const encoder = this.embeddingId()
    if (batches.some((b) => b.templates.some((t) => (t.encoder ?? encoder) !== encoder))) {
      throw new LikenessError('Unsupported', 'These templates come from another face model than the shared gallery’s; they cannot be compared with it.', { encoder })
    }
    const columns = this.columns()
    const people = await this.write(async (client) => {
      const added: PersonRecord[] = []
      for (const { target, templates } of batches) {
        const person = await this.personFor(client, target)
        for (const t of templates) {
          const photoId = t.photoId ?? randomUUID()
          const templateId = t.templateId ?? randomUUID()
          await client.query(
            `INSERT INTO likeness.photos (id, person_id, created_at, photo, thumbnail) VALUES ($1, $2, to_timestamp($3::float8 / 1000), $4, $5) ON CONFLICT (id) DO NOTHING`,
            [photoId, person.id, Date.now(), columns.seal('photos.photo', photoId, bytesOf(t.photo)), columns.seal('photos.thumbnail', photoId, bytesOf(t.thumbnail))]
          )
          await client.query(`INSERT INTO likeness.templates (id, person_id, photo_id, encoder, descriptor) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`, [
            templateId,
            person.id,
            photoId,
            encoder,
            columns.seal('templates.descriptor', templateId, bytesOf(t.descriptor))
          ])
        }
        added.push(person)
      }
      return { result: added, changes: added.map((p) => ({ kind: 'person', personId: p.id })) }
    })
    return people
  }

  /** The person to add to: an existing one, or a new one (two desks enrolling one new name at once get one person). */
  private async personFor(client: pg.ClientBase, target: TemplateTarget): Promise<PersonRecord> {
    if ('personId' in target) {
      const person = await personRow(client, 'id', target.personId)
      if (!person) throw new LikenessError('UnknownPerson', 'That person is not in the gallery.', { personId: target.personId })
      return person
    }
    const kept = target.id === undefined ? undefined : await personRow(client, 'id', target.id)
    if (kept) return kept
    await client.query('INSERT INTO likeness.people (id, name, created_at) VALUES ($1, $2, to_timestamp($3::float8 / 1000)) ON CONFLICT DO NOTHING', [
      target.id ?? randomUUID(),
      target.name.trim(),
      target.createdAt ?? Date.now()
    ])
    return (await personRow(client, 'name', target.name.trim()))!
  }

  async everything(personId?: string): Promise<StoredPerson[]> {
    // $1 null: everyone.
    const only = [personId ?? null]
    const columns = this.columns()
    return this.server.transaction(async (client) => {
      const people = (
        await client.query<{ id: string; name: string; created_at: number }>(
          `SELECT id, name, ${epochMs('created_at')} AS created_at FROM likeness.people WHERE $1::text IS NULL OR id = $1 ORDER BY created_at, id`,
          only
        )
      ).rows
      const templates = (
        await client.query<{ id: string; person_id: string; photo_id: string; encoder: string; descriptor: Buffer; photo: Buffer; thumbnail: Buffer }>(
          `SELECT t.id, t.person_id, t.photo_id, t.encoder, t.descriptor, p.photo, p.thumbnail
           FROM likeness.templates t JOIN likeness.photos p ON p.id = t.photo_id WHERE $1::text IS NULL OR t.person_id = $1 ORDER BY p.created_at, t.id`,
          only
        )
      ).rows
      return people.map((person) => ({
        id: person.id,
        name: person.name,
        createdAt: person.created_at,
        templates: templates
          .filter((t) => t.person_id === person.id)
          .map((t) => ({
            templateId: t.id,
            photoId: t.photo_id,
            encoder: t.encoder,
            descriptor: descriptorOf(columns.open('templates.descriptor', t.id, t.descriptor)),
            photo: columns.open('photos.photo', t.photo_id, t.photo),
            thumbnail: columns.open('photos.thumbnail', t.photo_id, t.thumbnail)
          }))
      }))
    }, 'REPEATABLE READ')
  }

  async rename(personId: string, name: string): Promise<PersonRecord> {
    await this.write(async (client) => {
      if (!(await personRow(client, 'id', personId))) throw new LikenessError('UnknownPerson', 'That person is not in the gallery.', { personId })
      const clash = await personRow(client, 'name', name.trim())
      if (clash && clash.id !== personId) throw new LikenessError('BadRequest', `Someone is already called ${clash.name}.`, { personId: clash.id })
      await client.query('UPDATE likeness.people SET name = $2 WHERE id = $1', [personId, name.trim()])
      await client.query('UPDATE likeness.check_ins SET person_name = $2 WHERE person_id = $1', [personId, name.trim()])
      return { result: undefined, changes: [{ kind: 'person', personId }] }
    })
    return this.person(personId)
  }

  /** Their photos and templates go; the log keeps that they came, without their face. */
  async forget(personId: string): Promise<number> {
    return this.write(async (client) => {
      const removed = (await client.query('DELETE FROM likeness.templates WHERE person_id = $1', [personId])).rowCount ?? 0
      if ((await client.query('DELETE FROM likeness.people WHERE id = $1', [personId])).rowCount === 0) {
        throw new LikenessError('UnknownPerson', 'That person is not in the gallery.', { personId })
      }
      await client.query('UPDATE likeness.check_ins SET thumbnail = NULL WHERE person_id = $1', [personId])
      return { result: removed, changes: [{ kind: 'person', personId }] }
    })
  }

  async removePhoto(photoId: string): Promise<PersonRecord> {
    const personId = await this.write(async (client) => {
      const [row] = (await client.query<{ person_id: string }>('DELETE FROM likeness.photos WHERE id = $1 RETURNING person_id', [photoId])).rows
      if (!row) throw new LikenessError('NotFound', 'That photo is not in the gallery.', { photoId })
      return { result: row.person_id, changes: [{ kind: 'person', personId: row.person_id }] }
    })
    return this.person(personId)
  }

  /** Erases every person and the whole log, on every desk; check-ins queued before it and sent later are not logged. */
  async wipe(): Promise<number> {
    return this.write(async (client) => {
      const people = (await client.query('DELETE FROM likeness.people')).rowCount ?? 0
      await client.query('DELETE FROM likeness.check_ins')
      await client.query('UPDATE likeness.gallery SET wiped_at = now()')
      return { result: people, changes: [{ kind: 'wipe' }] }
    })
  }

  async readPhoto(photoId: string, kind: 'thumbnail' | 'full'): Promise<Uint8Array> {
    const columns = this.columns()
    const query = kind === 'full' ? 'SELECT photo AS bytes FROM likeness.photos WHERE id = $1' : 'SELECT thumbnail AS bytes FROM likeness.photos WHERE id = $1'
    const [row] = await this.server.query<{ bytes: Buffer }>(query, [photoId])
    if (!row) throw new LikenessError('NotFound', 'That photo is not in the gallery.', { photoId })
    return columns.open(kind === 'full' ? 'photos.photo' : 'photos.thumbnail', photoId, row.bytes)
  }

  readPhotoFile(file: string): Promise<Uint8Array> {
    const photoId = file.startsWith(photoPrefix) ? file.slice(photoPrefix.length) : ''
    if (!this.mirror.photo(photoId)) throw new LikenessError('NotFound', 'That photo is no longer in the gallery.', { file })
    return this.readPhoto(photoId, 'full')
  }

  embeddingFrom(kept: readonly TrainedModelRecord[], readValues: (model: TrainedModelRecord) => Promise<Uint8Array>): Promise<EmbeddingRecord> {
    return this.local.embeddingFrom(kept, readValues)
  }

  discardEmbedding(embedding: EmbeddingRecord): Promise<void> {
    return this.local.discardEmbedding(embedding)
  }

  async switchEmbedding(): Promise<{ switched: boolean; dropped: number }> {
    throw new LikenessError(
      'Unsupported',
      'A shared gallery stays in the stock face encoder: every desk must compute descriptors the others can compare. Move the gallery back to this desk to re-encode it.'
    )
  }

  /** One gallery write: the gallery lock, the work, its change records, then the desk catches up. */
  private async write<T>(work: (client: pg.ClientBase) => Promise<{ result: T; changes: GalleryChangeRecord[] }>): Promise<T> {
    const result = await this.server.transaction(async (client) => {
      await lockGallery(client)
      const { result, changes } = await work(client)
      await recordChanges(client, changes)
      return result
    })
    await this.sync()
    return result
  }
}
