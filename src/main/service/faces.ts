import { LikenessError } from '../../shared/errors'
import { descriptorDimension, type Candidate, type Detection, type Detector, type EnrollResult, type Identification, type Person, type RosterEntry, type VerifyResult } from '../../shared/api/face'
import type { GalleryImportResult } from '../../shared/api/checkin'
import { Gallery } from '../face/gallery'
import type { EmbeddingVersion } from '../face/types'
import type { IdentityAnswer } from '../face/live/identityVote'
import { identifyIn, verifyAgainst } from '../face/live/livePipeline'
import type { FrameObservation, FramePlan } from '../face/live/observeFrame'
import type { RgbImage } from '../image/decode'
import type { AnalyzedFace, AnalyzedImage } from '../worker/ops'
import type { EnginePool, Lane } from '../worker/pool'
import type { GalleryChange, NewTemplate, StoredPerson, StoredTemplate } from '../store/galleryStore'
import type { JobProgress } from '../../shared/jobs'
import { squaredDistance } from '../face/distance'
import { mergeGallery } from './galleryMerge'
import type { Store } from '../store'
import type { PersonRecord } from '../store/schema'
import { requireGoodShot, shotProblems } from './enrollmentRule'
import { eachOnEngine } from './eachOnEngine'

const defaultCandidates = 5

export interface AnalyzeOptions {
  /** Keep the photo and face thumbnails (enrolling). */
  keep?: boolean
  /** Face thumbnails only (check-in keeps one with each check-in). */
  thumbnails?: boolean
  detector?: Detector
  /** Another embedding than the gallery's (re-encoding into a new one). */
  embedding?: EmbeddingVersion
  lane?: Lane
  signal?: AbortSignal
}

/**
 * The face use cases: enroll, verify, identify, manage people. Holds the in-memory gallery, kept
 * equal to the store's by following its changes: loaded once, then every enroll, deletion,
 * re-encode or switch of gallery — here or, with a shared gallery, at another desk — arrives as a
 * change before the write that made it resolves.
 */
export class Faces {
  private gallery = new Gallery()

  private constructor(
    private readonly pool: EnginePool,
    private readonly store: Store
  ) {}

  static async open(pool: EnginePool, store: Store): Promise<Faces> {
    const faces = new Faces(pool, store)
    faces.gallery.add(await store.gallery.load(store.notices))
    store.followGallery((change) => faces.follow(change))
    return faces
  }

  get templateCount(): number {
    return this.gallery.size
  }

  /** Faces in a picture through the engine: the one place an analysis is asked for. */
  analyze(image: Uint8Array, options: AnalyzeOptions = {}): Promise<AnalyzedImage> {
    const { keep, thumbnails, detector, embedding, lane, signal } = options
    return this.pool.run(
      'face.analyze',
      {
        image,
        detector: detector ?? this.store.settings.get().detector,
        keepPhoto: keep,
        thumbnails: keep || thumbnails,
        embedding: embedding ?? this.store.gallery.embedding()
      },
      { lane: lane ?? 'interactive', signal }
    )
  }

  /** One live frame's neural work on the interactive worker, in the gallery's embedding, as a live session planned it. */
  observeFrame(frame: RgbImage, plan: FramePlan): Promise<FrameObservation> {
    return this.pool.run('face.live', { frame, plan, embedding: this.store.gallery.embedding() }, { lane: 'interactive' })
  }

  /** The nearest person within τ of each descriptor, or null: what a live session's vote counts. */
  identifyDescriptors(descriptors: Float32Array[]): IdentityAnswer[] {
    return identifyIn(this.gallery, this.store.settings.get().tau)(descriptors)
  }

  /** The claimed person's answer for each descriptor, within τ or not: what a live verification's vote counts. */
  verifyDescriptors(personId: string, descriptors: Float32Array[]): IdentityAnswer[] {
    return verifyAgainst(this.gallery, personId, this.store.settings.get().tau)(descriptors)
  }

  /** The person a verification claims, who must have templates to compare with. */
  verifiable(personId: string): PersonRecord {
    const person = this.store.gallery.person(personId)
    if (!this.gallery.hasPerson(personId)) throw new LikenessError('UnknownPerson', `${person.name} has no templates.`, { personId })
    return person
  }

  /** A person's name; null once they are forgotten (a live track may outlast them by a frame). */
  personName(personId: string): string | null {
    try {
      return this.store.gallery.person(personId).name
    } catch {
      return null
    }
  }

  async detect(image: Uint8Array, detector?: Detector): Promise<Detection> {
    const analyzed = await this.analyze(image, { detector })
    return {
      width: analyzed.width,
      height: analyzed.height,
      faces: analyzed.faces.map((f) => ({ box: f.box, score: f.score, quality: f.quality, problems: shotProblems(f) }))
    }
  }

  async enroll(target: { name: string } | { personId: string }, images: readonly Uint8Array[], faceIndex?: number): Promise<EnrollResult> {
    if ('personId' in target) this.store.gallery.person(target.personId)
    // Every image is analysed before anything is written: one bad image stores nothing.
    const templates: NewTemplate[] = []
    for (const [i, image] of images.entries()) {
      const encoder = this.store.gallery.embeddingId()
      const analyzed = await this.analyze(image, { keep: true })
      const face = pickEnrollFace(analyzed.faces, faceIndex, i, images.length)
      requireGoodShot(face, i, images.length)
      templates.push({ descriptor: face.descriptor, photo: analyzed.photo!, thumbnail: face.thumbnail!, encoder })
    }
    const existing = 'name' in target ? this.store.gallery.personByName(target.name) : undefined
    const [person] = await this.store.gallery.addTemplateBatches([{ target: existing ? { personId: existing.id } : target, templates }])
    return { person: this.toPerson(person!.id), templatesAdded: templates.length }
  }

  async verify(personId: string, image: Uint8Array): Promise<VerifyResult> {
    const mode = this.store.settings.get().verifyLiveness
    if (mode !== 'off') {
      throw new LikenessError('LiveFaceRequired', 'Verification needs a live face at the camera here: a photo is not accepted (the verify liveness setting).', { mode })
    }
    const person = this.verifiable(personId)
    const face = largest((await this.analyze(image)).faces)
    const tau = this.store.settings.get().tau
    const verdict = this.gallery.verify(face.descriptor, personId, tau)
    return { match: verdict.match, distance: verdict.distance, threshold: tau, box: face.box, personId, name: person.name }
  }

  async identify(image: Uint8Array, k = defaultCandidates, lane: Lane = 'interactive'): Promise<Identification & { analyzed: AnalyzedImage }> {
    const analyzed = await this.analyze(image, { thumbnails: true, lane })
    const tau = this.store.settings.get().tau
    const results = this.gallery.identifyBatch(
      analyzed.faces.map((f) => f.descriptor),
      k,
      tau
    )
    const names = new Map(this.store.gallery.people().map((p) => [p.id, p.name]))
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
    return this.store.gallery.people().map((p) => this.toPerson(p.id))
  }

  /** people() with each one's latest check-in, by one pass over each table: a per-person lookup is quadratic at 10,000 people. */
  async roster(): Promise<RosterEntry[]> {
    const templates = new Map<string, number>()
    for (const t of this.store.gallery.templates()) templates.set(t.personId, (templates.get(t.personId) ?? 0) + 1)
    const photos = new Map<string, string[]>()
    for (const p of this.store.gallery.photos()) {
      const list = photos.get(p.personId)
      if (list) list.push(p.id)
      else photos.set(p.personId, [p.id])
    }
    const lastCheckIn = new Map<string, number>()
    for (const c of await this.store.checkIns.inSpan(0, Number.MAX_SAFE_INTEGER)) if (!lastCheckIn.has(c.personId)) lastCheckIn.set(c.personId, c.at)
    return this.store.gallery.people().map((p) => ({
      id: p.id,
      name: p.name,
      createdAt: p.createdAt,
      templateCount: templates.get(p.id) ?? 0,
      photoIds: photos.get(p.id) ?? [],
      lastCheckIn: lastCheckIn.get(p.id) ?? null
    }))
  }

  async rename(personId: string, name: string): Promise<Person> {
    await this.store.gallery.rename(personId, name)
    return this.toPerson(personId)
  }

  forget(personId: string): Promise<number> {
    return this.store.gallery.forget(personId)
  }

  async removePhoto(photoId: string): Promise<Person> {
    const person = await this.store.gallery.removePhoto(photoId)
    return this.toPerson(person.id)
  }

  wipe(): Promise<number> {
    return this.store.gallery.wipe()
  }

  photo(photoId: string, kind: 'thumbnail' | 'full'): Promise<Uint8Array> {
    return this.store.gallery.readPhoto(photoId, kind)
  }

  /** Everyone with their templates, photos and thumbnails: the content of a gallery export. */
  everyone(): Promise<StoredPerson[]> {
    return this.store.gallery.everything()
  }

  /**
   * Merges people from a gallery file: a name already here (any case) gets the file's templates,
   * a new name becomes a new person. Templates already here (same id: the file was imported
   * before) are skipped, and the enrollment rule holds for imports too: each template's face is
   * found again in its photo and judged like a new shot. One store step for all, so a failure
   * or a cancel changes nothing.
   */
  async importPeople(people: readonly StoredPerson[], report: (progress: JobProgress) => void, signal: AbortSignal): Promise<GalleryImportResult> {
    const known = new Set(this.store.gallery.templates().map((t) => t.id))
    const fresh = people.flatMap((person) => person.templates.filter((t) => !known.has(t.templateId)).map((template) => ({ person, template })))
    const { results, failures } = await eachOnEngine(
      fresh,
      this.pool.size,
      async ({ template }) => {
        const face = nearest((await this.analyze(template.photo, { lane: 'batch', signal })).faces, template.descriptor)
        return face && shotProblems(face)
      },
      (done, total) => report({ done, total, message: `checking photos: ${done} of ${total}` })
    )
    const why = new Map(failures.map(({ index, kind }) => [index, kind]))
    const refused: GalleryImportResult['refused'] = []
    const accepted = new Set<StoredTemplate>()
    fresh.forEach(({ person, template }, i) => {
      const problems = results[i]
      if (problems?.length === 0) accepted.add(template)
      else refused.push({ name: person.name, kind: problems ? 'PoorShot' : (why.get(i) ?? 'NoFace'), problems: problems ?? [] })
    })
    signal.throwIfAborted()
    // Templates already here stay in so that mergeGallery counts them as skipped.
    const admitted = people.map((person) => ({ ...person, templates: person.templates.filter((t) => known.has(t.templateId) || accepted.has(t)) }))
    return { ...(await mergeGallery(this.store.gallery, admitted)).result, refused }
  }

  personIdByName(name: string): string {
    const person = this.store.gallery.personByName(name)
    if (!person) throw new LikenessError('UnknownPerson', `Nobody called ${name} is in the gallery.`, { name })
    return person.id
  }

  /** Applies a change of the store's templates; what the matrix already has (or lacks) is passed over. */
  private follow(change: GalleryChange): void {
    if (change.kind === 'replaced') {
      const gallery = new Gallery()
      gallery.add(change.rows)
      this.gallery = gallery
    } else if (change.kind === 'removed') {
      this.gallery.removeTemplates(change.templateIds)
    } else {
      const { templateIds, personIds, descriptors } = change.rows
      const known = new Set(this.gallery.templateIds)
      const fresh = templateIds.flatMap((id, row) => (known.has(id) ? [] : [row]))
      if (fresh.length === templateIds.length) this.gallery.add(change.rows)
      else if (fresh.length > 0) {
        const rows = fresh.map((row) => descriptors.subarray(row * descriptorDimension, (row + 1) * descriptorDimension))
        this.gallery.add({ templateIds: fresh.map((row) => templateIds[row]!), personIds: fresh.map((row) => personIds[row]!), descriptors: Float32Array.from(rows.flatMap((r) => [...r])) })
      }
    }
  }

  private toPerson(personId: string): Person {
    const person = this.store.gallery.person(personId)
    return {
      id: person.id,
      name: person.name,
      createdAt: person.createdAt,
      templateCount: this.store.gallery.templateCountOf(personId),
      photoIds: this.store.gallery.photosOf(personId).map((p) => p.id)
    }
  }
}

/** The face of a photo that a template was made from: the one whose descriptor is nearest it. */
function nearest(faces: readonly AnalyzedFace[], descriptor: Float32Array): AnalyzedFace | undefined {
  let best: { face: AnalyzedFace; distance: number } | undefined
  for (const face of faces) {
    const distance = squaredDistance(face.descriptor, descriptor)
    if (!best || distance < best.distance) best = { face, distance }
  }
  return best?.face
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
