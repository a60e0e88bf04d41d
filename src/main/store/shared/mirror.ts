import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { descriptorDimension } from '../../../shared/api/face'
import type { TemplateRows } from '../../face/gallery'
import { writeFileAtomic } from '../atomicWrite'
import type { DataKey } from '../crypto/dataKey'
import { ChangeFeed, type GalleryChange } from '../galleryStore'
import { stockEncoder, type PersonRecord, type PhotoRecord, type TemplateRecord } from '../schema'
import { defaultSettings } from '../../../shared/api/settings'

/** τ and the check-in interval: the settings every desk of a shared gallery shares. */
export interface SharedSettingValues {
  tau: number
  checkInIntervalMinutes: number
}

/** Everything the server holds about one person that a desk mirrors (no photo bytes). */
export interface PersonState {
  person: PersonRecord
  photos: PhotoRecord[]
  templates: { record: TemplateRecord; descriptor: Float32Array }[]
}

export interface GalleryHeader {
  galleryId: string
  encoder: string
  settings: SharedSettingValues
}

/** What a desk reads from the server to catch up: everything, or what changed after its cursor. */
export type MirrorUpdate =
  | { kind: 'full'; header: GalleryHeader; cursor: number; people: PersonState[] }
  | { kind: 'changes'; header: GalleryHeader; cursor: number; count: number; wiped: boolean; people: Map<string, PersonState | null> }

/** What left the gallery in an update: the desk's own tables that point into it drop their references. */
export interface Departed {
  wiped: boolean
  people: string[]
  photos: string[]
}

/** A photo's `file` in a shared gallery: the bytes are on the server. */
export const sharedPhotoFile = (photoId: string): string => `shared:${photoId}`

const cacheMagic = 'LKMR'
const cacheVersion = 1

/** Column by column: one array per field parses and checks far faster than an object per row. */
const cacheHeader = z
  .object({
    galleryId: z.string(),
    encoder: z.string(),
    cursor: z.number().int().min(0),
    settings: z.object({ tau: z.number(), checkInIntervalMinutes: z.number() }),
    people: z.object({ id: z.array(z.string()), name: z.array(z.string()), createdAt: z.array(z.number()) }),
    photos: z.object({ id: z.array(z.string()), personId: z.array(z.string()), createdAt: z.array(z.number()) }),
    templates: z.object({ id: z.array(z.string()), personId: z.array(z.string()), photoId: z.array(z.string().nullable()), encoder: z.array(z.string()) })
  })
  .refine(
    ({ people, photos, templates }) =>
      [people.name, people.createdAt].every((column) => column.length === people.id.length) &&
      [photos.personId, photos.createdAt].every((column) => column.length === photos.id.length) &&
      [templates.personId, templates.photoId, templates.encoder].every((column) => column.length === templates.id.length)
  )

/**
 * A desk's copy of the shared gallery: people, photo records and templates with their descriptors,
 * the shared settings, and the cursor (the last change applied). Search runs on the in-memory
 * matrix the service builds from it; the copy is saved on the desk's disk, so a desk that starts
 * reads only the changes after its cursor, and one that starts while the server is away still
 * identifies.
 */
export class Mirror {
  private people = new Map<string, PersonRecord>()
  private photos = new Map<string, PhotoRecord>()
  private templates = new Map<string, { record: TemplateRecord; descriptor: Float32Array }>()
  /** Each person's photo and template ids: a change to one person touches only their rows. */
  private owned = new Map<string, { photos: Set<string>; templates: Set<string> }>()
  readonly changes = new ChangeFeed<GalleryChange>()

  private constructor(
    public header: GalleryHeader | null,
    public cursor: number
  ) {}

  static empty(): Mirror {
    return new Mirror(null, 0)
  }

  get galleryId(): string | null {
    return this.header?.galleryId ?? null
  }

  /** Before the desk has ever reached the server: the encoder and settings a new shared gallery starts with. */
  get encoder(): string {
    return this.header?.encoder ?? stockEncoder
  }

  get settings(): SharedSettingValues {
    return this.header?.settings ?? { tau: defaultSettings.tau, checkInIntervalMinutes: defaultSettings.checkInIntervalMinutes }
  }

  personList(): PersonRecord[] {
    return [...this.people.values()]
  }

  photoList(): PhotoRecord[] {
    return [...this.photos.values()]
  }

  templateList(): TemplateRecord[] {
    return [...this.templates.values()].map((t) => t.record)
  }

  person(personId: string): PersonRecord | undefined {
    return this.people.get(personId)
  }

  photo(photoId: string): PhotoRecord | undefined {
    return this.photos.get(photoId)
  }

  photosOf(personId: string): PhotoRecord[] {
    return [...(this.owned.get(personId)?.photos ?? [])].map((id) => this.photos.get(id)!)
  }

  templateCountOf(personId: string): number {
    return this.owned.get(personId)?.templates.size ?? 0
  }

  rows(): TemplateRows {
    return rowsOf([...this.templates.values()])
  }

  /** Applies what the server said and reports the template changes to the followers. */
  apply(update: MirrorUpdate): Departed {
    const departed: Departed = { wiped: false, people: [], photos: [] }
    const sameGallery = this.header?.galleryId === update.header.galleryId
    if (update.kind === 'full' || update.wiped || !sameGallery) {
      departed.wiped = this.people.size > 0
      this.people.clear()
      this.photos.clear()
      this.templates.clear()
      this.owned.clear()
    }
    const removed: string[] = []
    const added: { record: TemplateRecord; descriptor: Float32Array }[] = []
    const states = update.kind === 'full' ? update.people.map((state) => [state.person.id, state] as const) : [...update.people]
    for (const [personId, state] of states) {
      if (!state && this.people.has(personId)) departed.people.push(personId)
      const owned = this.owned.get(personId) ?? { photos: new Set<string>(), templates: new Set<string>() }
      const photosNow = new Set(state?.photos.map((p) => p.id))
      for (const photoId of owned.photos) {
        if (photosNow.has(photoId)) continue
        this.photos.delete(photoId)
        owned.photos.delete(photoId)
        if (state) departed.photos.push(photoId)
      }
      const templatesNow = new Set(state?.templates.map((t) => t.record.id))
      for (const templateId of owned.templates) {
        if (templatesNow.has(templateId)) continue
        this.templates.delete(templateId)
        owned.templates.delete(templateId)
        removed.push(templateId)
      }
      if (!state) {
        this.people.delete(personId)
        this.owned.delete(personId)
        continue
      }
      this.people.set(personId, state.person)
      this.owned.set(personId, owned)
      for (const photo of state.photos) {
        this.photos.set(photo.id, photo)
        owned.photos.add(photo.id)
      }
      for (const template of state.templates) {
        if (owned.templates.has(template.record.id)) continue
        this.templates.set(template.record.id, template)
        owned.templates.add(template.record.id)
        added.push(template)
      }
    }
    this.header = update.header
    this.cursor = update.cursor
    if (update.kind === 'full' || update.wiped || !sameGallery) {
      this.changes.emit({ kind: 'replaced', rows: this.rows() })
    } else {
      if (removed.length > 0) this.changes.emit({ kind: 'removed', templateIds: removed })
      if (added.length > 0) this.changes.emit({ kind: 'added', rows: rowsOf(added) })
    }
    return departed
  }

  /**
   * One file: "LKMR", u32 version, u32 header bytes, the header as JSON (records column by column),
   * then the descriptors as float32 in template order, little-endian as every platform Electron
   * ships on (as the template matrix). Sealed whole under the data key: it holds templates.
   */
  async save(file: string, key: DataKey): Promise<void> {
    if (!this.header) return
    const people = this.personList()
    const photos = this.photoList()
    const templates = [...this.templates.values()]
    const json = new TextEncoder().encode(
      JSON.stringify({
        ...this.header,
        cursor: this.cursor,
        people: { id: people.map((p) => p.id), name: people.map((p) => p.name), createdAt: people.map((p) => p.createdAt) },
        photos: { id: photos.map((p) => p.id), personId: photos.map((p) => p.personId), createdAt: photos.map((p) => p.createdAt) },
        templates: {
          id: templates.map((t) => t.record.id),
          personId: templates.map((t) => t.record.personId),
          photoId: templates.map((t) => t.record.photoId),
          encoder: templates.map((t) => t.record.encoder)
        }
      })
    )
    const prefix = new Uint8Array(12)
    prefix.set(new TextEncoder().encode(cacheMagic), 0)
    const view = new DataView(prefix.buffer)
    view.setUint32(4, cacheVersion, true)
    view.setUint32(8, json.byteLength, true)
    const descriptors = rowsOf(templates).descriptors
    const plain = Buffer.concat([prefix, json, new Uint8Array(descriptors.buffer, descriptors.byteOffset, descriptors.byteLength)])
    await writeFileAtomic(file, key.seal(plain, mirrorContext))
  }

  /** The saved copy, or an empty mirror when there is none or it is damaged: a cache is rebuilt from the server, never trusted blindly. */
  static async load(file: string, key: DataKey): Promise<Mirror> {
    let bytes: Uint8Array
    try {
      bytes = key.open(new Uint8Array(await readFile(file)), mirrorContext)
    } catch {
      return Mirror.empty()
    }
    try {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      if (new TextDecoder().decode(bytes.subarray(0, 4)) !== cacheMagic || view.getUint32(4, true) !== cacheVersion) return Mirror.empty()
      const jsonBytes = view.getUint32(8, true)
      const header = cacheHeader.parse(JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + jsonBytes))))
      const { people, photos, templates } = header
      const start = 12 + jsonBytes
      if (bytes.byteLength !== start + templates.id.length * descriptorDimension * 4) return Mirror.empty()
      // One copy to an aligned buffer; each template's descriptor is a view of it.
      const values = new Float32Array(bytes.slice(start).buffer)
      const mirror = new Mirror({ galleryId: header.galleryId, encoder: header.encoder, settings: header.settings }, header.cursor)
      const states = new Map<string, PersonState>(people.id.map((id, i) => [id, { person: { id, name: people.name[i]!, createdAt: people.createdAt[i]! }, photos: [], templates: [] }]))
      photos.id.forEach((id, i) => states.get(photos.personId[i]!)?.photos.push({ id, personId: photos.personId[i]!, file: sharedPhotoFile(id), createdAt: photos.createdAt[i]! }))
      templates.id.forEach((id, row) =>
        states.get(templates.personId[row]!)?.templates.push({
          record: { id, personId: templates.personId[row]!, photoId: templates.photoId[row]!, encoder: templates.encoder[row]! },
          descriptor: values.subarray(row * descriptorDimension, (row + 1) * descriptorDimension)
        })
      )
      mirror.apply({ kind: 'full', header: mirror.header!, cursor: header.cursor, people: [...states.values()] })
      return mirror
    } catch {
      return Mirror.empty()
    }
  }
}

/** The name the mirror is sealed with: a copy moved elsewhere does not open as something else. */
const mirrorContext = 'shared/mirror.lkmr'

function rowsOf(templates: readonly { record: TemplateRecord; descriptor: Float32Array }[]): TemplateRows {
  const descriptors = new Float32Array(templates.length * descriptorDimension)
  templates.forEach((t, i) => descriptors.set(t.descriptor, i * descriptorDimension))
  return { templateIds: templates.map((t) => t.record.id), personIds: templates.map((t) => t.record.personId), descriptors }
}
