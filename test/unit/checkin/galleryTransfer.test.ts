import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Service } from '../../../src/main/service'
import { dbFileName } from '../../../src/main/store/db'
import { currentSchemaVersion } from '../../../src/main/store/schema'
import { cropFace, demoPhoto } from '../../support/faceCrops'
import { imageSignatures, looksRandom } from '../../support/bytes'
import { openWithPassphrase, sealWithPassphrase } from '../../../src/main/store/crypto/passphraseEnvelope'
import { keysOf } from '../../support/keys'
import { openGalleryFile, sealGalleryFile } from '../../../src/main/service/galleryTransfer'
import { awaitJob } from '../../../src/shared/jobs'
import sharp from 'sharp'

// Export from one real gallery, import into a fresh one: recognition must survive the trip, the
// file carries no readable face, and every kind of bad file or wrong passphrase must be refused
// with the target left byte-for-byte as it was.
const workerScript = path.resolve('out/main/worker.js')
const passphrase = 'a long way from home'
const envelopeMagic = new TextEncoder().encode('LKGALENC')
const open = async (prefix: string) => {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), prefix))
  return { dataDir, service: await Service.open({ dataDir, keys: keysOf(dataDir), workerScript, host: 'cli', backend: 'wasm' }) }
}

/** The data folder's state: the records and every file's name. */
async function snapshot(dataDir: string): Promise<string> {
  const files = (await readdir(dataDir, { recursive: true })).sort()
  return JSON.stringify({ files, db: await readFile(path.join(dataDir, dbFileName), 'utf8').catch(() => null) })
}

/** The file with its checksum recomputed, so only the deliberate change is wrong with it. */
function resealed(file: Uint8Array): Uint8Array {
  const body = file.subarray(0, file.byteLength - 32)
  const copy = new Uint8Array(file)
  copy.set(createHash('sha256').update(body).digest(), body.byteLength)
  return copy
}

describe('gallery export and import', () => {
  let source: Awaited<ReturnType<typeof open>>
  let target: Awaited<ReturnType<typeof open>>
  let file: Uint8Array
  /** The gallery file inside the encryption, as exports were before it. */
  let plain: Uint8Array
  let ada: Uint8Array
  let adaAgain: Uint8Array
  let bob: Uint8Array

  beforeAll(async () => {
    source = await open('likeness-export-')
    target = await open('likeness-import-')
    const group = await demoPhoto(1)
    const boxes = (await source.service.call('face.detect', { image: group })).faces.map((f) => f.box)
    ada = await cropFace(group, boxes[0]!)
    adaAgain = await cropFace(group, boxes[0]!, 0.3)
    bob = await cropFace(group, boxes[1]!)
    await source.service.call('face.enroll', { name: 'Ada', images: [ada] })
    await source.service.call('face.enroll', { name: 'Bob', images: [bob] })
    file = await source.service.call('gallery.export', { passphrase })
    const opened = await openWithPassphrase(file, passphrase)
    if (!opened.ok) throw new Error(`the export does not open: ${opened.problem}`)
    plain = opened.plaintext
  })
  afterAll(async () => {
    await source?.service.close()
    await target?.service.close()
  })

  it('carries no readable face: no image inside, no template row, random-looking bytes', async () => {
    const everyone = await source.service.call('face.people', {})
    const photo = await source.service.call('face.photo', { photoId: everyone[0]!.photoIds[0]!, kind: 'full' })
    expect(imageSignatures(plain).length).toBeGreaterThan(0)
    expect(imageSignatures(file)).toEqual([])
    expect(Buffer.from(file).indexOf(Buffer.from(photo.subarray(100, 132)))).toBe(-1)
    expect(looksRandom(file.subarray(100))).toBe(true)
  })

  it('refuses a wrong or missing passphrase, a corrupt, truncated, foreign or newer file with a typed error and changes nothing', async () => {
    await target.service.call('face.enroll', { name: 'ada', images: [adaAgain] })
    const before = await snapshot(target.dataDir)
    const flipped = new Uint8Array(file)
    flipped[Math.floor(file.byteLength / 2)]! ^= 0xff
    const newerEnvelope = new Uint8Array(file)
    new DataView(newerEnvelope.buffer).setUint32(8, 2, true)
    const newerInside = new Uint8Array(plain)
    new DataView(newerInside.buffer).setUint32(8, currentSchemaVersion + 1, true)
    const foreign = new Uint8Array(file)
    foreign.set(new TextEncoder().encode('NOTOURS!'), 0)
    const cases: [Uint8Array, string | undefined, string, string][] = [
      [file, 'not the passphrase', 'WrongKey', 'wrong-passphrase'],
      [file, undefined, 'WrongKey', 'needs-passphrase'],
      [flipped, passphrase, 'ChecksumMismatch', 'checksum'],
      [file.slice(0, file.byteLength - 1000), passphrase, 'ChecksumMismatch', 'truncated'],
      [foreign, passphrase, 'Unsupported', 'not-a-gallery-file'],
      [newerEnvelope, passphrase, 'Unsupported', 'newer-schema'],
      [await sealWithPassphrase(resealed(newerInside), passphrase, envelopeMagic), passphrase, 'Unsupported', 'newer-schema'],
      [new Uint8Array(0), passphrase, 'Unsupported', 'not-a-gallery-file']
    ]
    for (const [bad, typed, kind, problem] of cases) {
      await expect(target.service.call('gallery.import', { file: bad, passphrase: typed })).rejects.toMatchObject({ kind, detail: { problem } })
    }
    expect(await snapshot(target.dataDir)).toBe(before)
    expect((await target.service.call('face.people', {})).map((p) => p.templateCount)).toEqual([1])
  })

  it('round trip: merges by name, adds new people, and recognition works in the importing gallery', async () => {
    const result = await awaitJob(target.service.jobFeed, await target.service.call('gallery.import', { file, passphrase }))
    expect(result).toEqual({ peopleAdded: 1, peopleMerged: 1, templatesAdded: 2, templatesSkipped: 0, refused: [] })
    const people = await target.service.call('face.people', {})
    expect(people.map((p) => [p.name, p.templateCount])).toEqual([['ada', 2], ['Bob', 1]])
    const seen = await target.service.call('face.identify', { image: bob })
    expect(seen.faces[0]!.name).toBe('Bob')
    const photo = await target.service.call('face.photo', { photoId: people[1]!.photoIds[0]!, kind: 'thumbnail' })
    expect([...photo.subarray(0, 2)]).toEqual([0xff, 0xd8])
  })

  it('skips what it already holds when the same file comes again, encrypted or as a file from before encryption', async () => {
    const again = await awaitJob(target.service.jobFeed, await target.service.call('gallery.import', { file, passphrase }))
    expect(again).toMatchObject({ templatesAdded: 0, templatesSkipped: 2, refused: [] })
    expect(await awaitJob(target.service.jobFeed, await target.service.call('gallery.import', { file: plain }))).toMatchObject({ templatesAdded: 0, templatesSkipped: 2 })
    expect((await target.service.call('face.people', {})).map((p) => p.templateCount)).toEqual([2, 1])
  })

  it('holds imports to the enrollment rule: a photo that falls short is refused and named, the rest imported', async () => {
    // A file as an older Likeness (before the rule) could have written: Ada's photo blurred (σ = 3 px: still found, too soft).
    const people = await openGalleryFile(file, passphrase)
    const blurred = new Uint8Array(await sharp(ada).blur(3).jpeg().toBuffer())
    const shaky = people.map((person) => ({
      ...person,
      name: `${person.name} (old desk)`,
      templates: person.templates.map((t) => ({ ...t, templateId: `old-${t.templateId}`, photoId: `old-${t.photoId}`, photo: person.name === 'Ada' ? blurred : t.photo }))
    }))
    const result = await awaitJob(target.service.jobFeed, await target.service.call('gallery.import', { file: await sealGalleryFile(shaky, passphrase), passphrase }))
    expect(result).toMatchObject({ peopleAdded: 1, templatesAdded: 1, refused: [{ name: 'Ada (old desk)', kind: 'PoorShot', problems: [{ figure: 'sharpness', bound: 'min' }] }] })
    const names = (await target.service.call('face.people', {})).map((p) => p.name)
    expect(names).toContain('Bob (old desk)')
    expect(names).not.toContain('Ada (old desk)')
  })

  it('survives a restart of the importing service', async () => {
    await target.service.close()
    target = { ...target, service: await Service.open({ dataDir: target.dataDir, keys: keysOf(target.dataDir), workerScript, host: 'cli', backend: 'wasm' }) }
    const seen = await target.service.call('face.identify', { image: ada })
    expect(seen.faces[0]!.name).toBe('ada')
  })
})
