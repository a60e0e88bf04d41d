import { LikenessError } from '../../shared/errors'
import { descriptorDimension, type Candidate, type Detection, type Detector, type EnrollResult, type Identification, type Person, type VerifyResult } from '../../shared/api/face'
import type { GalleryImportResult } from '../../shared/api/checkin'
import type { StoreNotice } from '../../shared/api/system'
import type { JobProgress } from '../../shared/jobs'
import { Gallery } from '../face/gallery'
import type { AnalyzedFace, AnalyzedImage } from '../worker/ops'
import type { EnginePool, Lane } from '../worker/pool'
import type { Database } from '../store/db'
import type { FaceStore, NewTemplate, StoredPerson } from '../store/faceStore'
import type { EmbeddingRecord } from '../store/schema'
import { squaredDistance } from '../face/distance'

const defaultCandidates = 5

/**
 * The face use cases: enroll, verify, identify, manage people. Holds the in-memory gallery,
 * kept equal to what the store has on disk: loaded once, appended on enroll, rebuilt from the
 * compacted matrix after a deletion.
 */
export class Faces {
  private gallery = new Gallery()

  private constructor(
    private readonly pool: EnginePool,
    private readonly db: Database,
    private readonly store: FaceStore
  ) {}

  static async open(pool: EnginePool, db: Database, store: FaceStore, notices: StoreNotice[]): Promise<Faces> {
    const faces = new Faces(pool, db, store)
    faces.gallery.add(await store.load(notices))
    return faces
  }

  get templateCount(): number {
    return this.gallery.size
  }

  analyze(image: Uint8Array, options: { keep?: boolean; lane?: Lane } = {}): Promise<AnalyzedImage> {
    return this.pool.run(
      'face.analyze',
      { image, detector: this.db.data.settings.detector, keepPhoto: options.keep, thumbnails: options.keep, embedding: this.store.embedding() },
      { lane: options.lane ?? 'interactive' }
    )
  }

  async detect(image: Uint8Array, detector?: Detector): Promise<Detection> {
    const analyzed = await this.pool.run('face.analyze', { image, detector: detector ?? this.db.data.settings.detector, embedding: this.store.embedding() }, { lane: 'interactive' })
    return {
      width: analyzed.width,
      height: analyzed.height,
      faces: analyzed.faces.map((f) => ({ box: f.box, score: f.score, quality: f.quality }))
    }
  }

  async enroll(target: { name: string } | { personId: string }, images: readonly Uint8Array[], faceIndex?: number): Promise<EnrollResult> {
    if ('personId' in target) this.store.person(target.personId)
    // Every image is analysed before anything is written: one bad image stores nothing.
    const templates: NewTemplate[] = []
    for (const [i, image] of images.entries()) {
      const encoder = this.db.data.embedding.id
      const analyzed = await this.analyze(image, { keep: true })
      const face = pickEnrollFace(analyzed.faces, faceIndex, i, images.length)
      templates.push({ descriptor: face.descriptor, photo: analyzed.photo!, thumbnail: face.thumbnail!, encoder })
    }
    const existing = 'name' in target ? this.store.personByName(target.name) : undefined
    const { person, rows } = await this.store.addTemplates(existing ? { personId: existing.id } : target, templates)
    this.gallery.add(rows)
    return { person: this.toPerson(person.id), templatesAdded: templates.length }
  }

  async verify(personId: string, image: Uint8Array): Promise<VerifyResult> {
    const person = this.store.person(personId)
    if (!this.gallery.hasPerson(personId)) throw new LikenessError('UnknownPerson', `${person.name} has no templates.`, { personId })
    const analyzed = await this.analyze(image)
    const face = largest(analyzed.faces)
    const tau = this.db.data.settings.tau
    const verdict = this.gallery.verify(face.descriptor, personId, tau)
    return { match: verdict.match, distance: verdict.distance, threshold: tau, box: face.box, personId, name: person.name }
  }

  async identify(image: Uint8Array, k = defaultCandidates, lane: Lane = 'interactive'): Promise<Identification & { analyzed: AnalyzedImage }> {
    const analyzed = await this.pool.run('face.analyze', { image, detector: this.db.data.settings.detector, thumbnails: true, embedding: this.store.embedding() }, { lane })
    const tau = this.db.data.settings.tau
    const results = this.gallery.identifyBatch(
      analyzed.faces.map((f) => f.descriptor),
      k,
      tau
    )
    const names = new Map(this.db.data.people.map((p) => [p.id, p.name]))
    return {
      width: analyzed.width,
      height: analyzed.height,
      threshold: tau,
      analyzed,
      faces: analyzed.faces.map((face, i) => {
        const result = results[i]!
        const known = result.distance !== null && result.distance <= tau
        const candidates: Candidate[] = result.candidates.map((c) => ({ personId: c.personId, name: names.get(c.personId) ?? '?', distance: c.distance }))
        return {
          box: face.box,
          personId: known ? result.personId : null,
          name: known ? (names.get(result.personId) ?? null) : null,
          distance: result.distance,
          candidates
        }
      })
    }
  }

  people(): Person[] {
    return this.db.data.people.map((p) => this.toPerson(p.id))
  }

  async rename(personId: string, name: string): Promise<Person> {
    this.store.person(personId)
    const clash = this.store.personByName(name)
    if (clash && clash.id !== personId) throw new LikenessError('BadRequest', `Someone is already called ${clash.name}.`, { personId: clash.id })
    await this.db.update((draft) => {
      const person = draft.people.find((p) => p.id === personId)!
      person.name = name.trim()
      for (const checkIn of draft.checkIns) if (checkIn.personId === personId) checkIn.personName = person.name
    })
    return this.toPerson(personId)
  }

  async forget(personId: string): Promise<number> {
    const removed = await this.store.forget(personId)
    this.gallery.remove(personId)
    return removed
  }

  async removePhoto(photoId: string): Promise<Person> {
    const person = await this.store.removePhoto(photoId)
    await this.reloadGallery()
    return this.toPerson(person.id)
  }

  async wipe(): Promise<number> {
    const removed = await this.store.wipe()
    await this.reloadGallery()
    return removed
  }

  photo(photoId: string, kind: 'thumbnail' | 'full'): Promise<Uint8Array> {
    return this.store.readPhoto(photoId, kind)
  }

  /** Everyone with their templates, photos and thumbnails: the content of a gallery export. */
  everyone(): Promise<StoredPerson[]> {
    return this.store.everything()
  }

  /**
   * Merges people from a gallery file: a name already here (any case) gets the file's templates,
   * a new name becomes a new person. Templates already here (same id: the file was imported
   * before) are skipped. One store step for all, so a failure changes nothing.
   */
  async importPeople(people: readonly StoredPerson[]): Promise<GalleryImportResult> {
    const known = new Set(this.db.data.templates.map((t) => t.id))
    let templatesSkipped = 0
    let peopleMerged = 0
    const batches = people.flatMap((person) => {
      const templates = person.templates.filter((t) => !known.has(t.templateId))
      templatesSkipped += person.templates.length - templates.length
      const existing = this.store.personByName(person.name)
      if (existing) peopleMerged++
      if (templates.length === 0) return []
      return [{ target: existing ? { personId: existing.id } : { name: person.name, createdAt: person.createdAt }, templates }]
    })
    const added = await this.store.addTemplateBatches(batches)
    for (const { rows } of added) this.gallery.add(rows)
    return {
      peopleAdded: people.length - peopleMerged,
      peopleMerged,
      templatesAdded: batches.reduce((sum, b) => sum + b.templates.length, 0),
      templatesSkipped
    }
  }

  /**
   * Re-encodes every template from its stored photo in `target` and switches the gallery to it in
   * one store step. Enrolls meanwhile are encoded in a further pass; a cancel changes nothing.
   */
  async reencode(target: EmbeddingRecord, report: (progress: JobProgress) => void, signal: AbortSignal): Promise<{ templates: number; dropped: number }> {
    const descriptors = new Map<string, Float32Array>()
    let dropped = 0
    for (;;) {
      const stored = await this.store.load([])
      const templates = this.db.data.templates
      const todo = templates.filter((t) => t.photoId !== null && !descriptors.has(t.id))
      for (const [i, template] of todo.entries()) {
        const row = stored.templateIds.indexOf(template.id)
        const descriptor = await this.descriptorIn(target, stored.descriptors.subarray(row * descriptorDimension, (row + 1) * descriptorDimension), template.photoId!, signal)
        if (descriptor) descriptors.set(template.id, descriptor)
        report({ done: i + 1, total: todo.length, message: `re-encoding: ${i + 1} of ${todo.length} templates` })
      }
      const result = await this.store.switchEmbedding(target, templates.map((t) => t.id), descriptors)
      if (result.switched) {
        dropped = result.dropped
        break
      }
    }
    await this.reloadGallery()
    return { templates: this.gallery.size, dropped }
  }

  /**
   * The template's face in its stored photo, in `target`; `stored` is its descriptor now. With several faces in the photo, the one
   * whose descriptor in the current embedding is nearest the stored template is the enrolled one
   * (the detector finds the same faces in the same order whatever the encoder).
   */
  private async descriptorIn(target: EmbeddingRecord, stored: Float32Array, photoId: string, signal: AbortSignal): Promise<Float32Array | undefined> {
    const photo = await this.store.readPhoto(photoId, 'full')
    const detector = this.db.data.settings.detector
    const inTarget = await this.pool.run('face.analyze', { image: photo, detector, embedding: this.store.resolveEmbedding(target) }, { lane: 'batch', signal })
    if (inTarget.faces.length <= 1) return inTarget.faces[0]?.descriptor
    const now = await this.pool.run('face.analyze', { image: photo, detector, embedding: this.store.embedding() }, { lane: 'batch', signal })
    const distances = now.faces.map((f) => squaredDistance(f.descriptor, stored))
    return inTarget.faces[distances.indexOf(Math.min(...distances))]?.descriptor
  }

  personIdByName(name: string): string {
    const person = this.store.personByName(name)
    if (!person) throw new LikenessError('UnknownPerson', `Nobody called ${name} is in the gallery.`, { name })
    return person.id
  }

  private async reloadGallery(): Promise<void> {
    const gallery = new Gallery()
    gallery.add(await this.store.load([]))
    this.gallery = gallery
  }

  private toPerson(personId: string): Person {
    const person = this.store.person(personId)
    return {
      id: person.id,
      name: person.name,
      createdAt: person.createdAt,
      templateCount: this.db.data.templates.filter((t) => t.personId === personId).length,
      photoIds: this.db.data.photos.filter((p) => p.personId === personId).map((p) => p.id)
    }
  }
}

function largest(faces: readonly AnalyzedFace[]): AnalyzedFace {
  // analyzeFaces returns faces largest first.
  const face = faces[0]
  if (!face) throw new LikenessError('NoFace', 'No face was found in the picture.')
  return face
}

function pickEnrollFace(faces: readonly AnalyzedFace[], faceIndex: number | undefined, image: number, images: number): AnalyzedFace {
  const which = images > 1 ? ` (picture ${image + 1} of ${images})` : ''
  if (faces.length === 0) throw new LikenessError('NoFace', `No face was found in the picture${which}.`, { image })
  if (faceIndex === undefined) {
    if (faces.length > 1) {
      throw new LikenessError('ManyFaces', `${faces.length} faces are in the picture${which}; pick one, or use a picture of one person.`, {
        image,
        faces: faces.length,
        boxes: faces.map((f) => f.box)
      })
    }
    return faces[0]!
  }
  const face = faces[faceIndex]
  if (!face) throw new LikenessError('BadRequest', `There is no face number ${faceIndex + 1}${which}: ${faces.length} found.`, { image, faces: faces.length })
  return face
}
