import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { mkdtemp, readdir } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { Store } from '../../../src/main/store'
import { migrate } from '../../../src/main/store/shared/schema'
import { Gallery } from '../../../src/main/face/gallery'
import { defaultTau, descriptorDimension } from '../../../src/shared/api/face'
import { imageSignatures } from '../../support/bytes'
import { asAdmin, faceLeaks, serverBytes, serverState } from '../../support/serverBytes'
import { demoPhoto } from '../../support/faceCrops'
import { keysOf } from '../../support/keys'
import { postgresMissing, skipWithoutPostgres, startTestServer, type TestServer } from '../../support/postgres'

// The shared gallery's biometric columns sealed under the gallery key, against a real PostgreSQL
// server (a private cluster for this file). What the server holds is read back with a client of its
// own, as someone with the database (a dump, its disk, a DBA) would.
if (postgresMissing) console.warn(skipWithoutPostgres)

const hour = 3_600_000
const passphrase = 'front door & gym floor'

function unitVector(): Float32Array {
  const v = Float32Array.from({ length: descriptorDimension }, () => Math.random() * 2 - 1)
  const norm = Math.hypot(...v)
  return v.map((x) => x / norm)
}

/** The same face seen again: the template moved a little. */
function near(v: Float32Array): Float32Array {
  const w = v.map((x) => x + (Math.random() - 0.5) * 0.01)
  const norm = Math.hypot(...w)
  return w.map((x) => x / norm)
}

const bytesOf = (v: Float32Array): Uint8Array => new Uint8Array(v.buffer, v.byteOffset, v.byteLength)

describe.skipIf(postgresMissing)('a shared gallery sealed under its gallery key', () => {
  let server: TestServer
  let photo: Uint8Array
  let thumbnail: Uint8Array
  const opened: Store[] = []

  beforeAll(async () => {
    server = await startTestServer({ fsync: false })
    photo = await demoPhoto(1)
    thumbnail = new Uint8Array(await sharp(photo).resize(96).png().toBuffer())
    // What the scan looks for is there to find in the clear.
    expect(imageSignatures(photo)).toContain('JPEG')
    expect(imageSignatures(thumbnail)).toContain('PNG')
  })
  afterAll(async () => {
    for (const store of opened) await store.close()
    await server?.close()
  })

  const folder = (): Promise<string> => mkdtemp(path.join(os.tmpdir(), 'likeness-sealed-'))
  async function desk(url: string, options: { dataDir?: string; galleryPassphrase?: string } = {}): Promise<Store> {
    const dir = options.dataDir ?? (await folder())
    const store = await Store.open(dir, keysOf(dir))
    try {
      await store.use(await store.openShared(url, { requireServer: true, galleryPassphrase: options.galleryPassphrase }))
    } catch (error) {
      await store.close()
      throw error
    }
    opened.push(store)
    return store
  }
  async function close(store: Store): Promise<void> {
    await store.close()
    opened.splice(opened.indexOf(store), 1)
  }
  const enroll = (store: Store, name: string, descriptor: Float32Array) =>
    store.gallery.addTemplateBatches([{ target: { name }, templates: [{ descriptor, photo, thumbnail }] }])
  /** The person the desk's own search finds for a face near `descriptor`, as the check-in view would. */
  async function identify(store: Store, descriptor: Float32Array): Promise<string | null> {
    const gallery = new Gallery()
    gallery.add(await store.gallery.load([]))
    const { personId } = gallery.identify(near(descriptor), 1, defaultTau)
    return store.gallery.people().find((p) => p.id === personId)?.name ?? null
  }

  let sealedUrl: string

  it('two desks enroll and check in (one through the offline queue): the server holds no photo, picture or template a reader can use, and each desk identifies who the other enrolled', async () => {
    sealedUrl = await server.database('sealed')
    const aFolder = await folder()
    let a = await desk(sealedUrl, { dataDir: aFolder, galleryPassphrase: passphrase })
    const b = await desk(sealedUrl, { galleryPassphrase: passphrase })
    const ada = unitVector()
    const bob = unitVector()
    const [adaRecord] = await enroll(a, 'Ada', ada)
    const [bobRecord] = await enroll(b, 'Bob', bob)
    await expect.poll(() => a.gallery.people().length + b.gallery.people().length).toBe(4)
    expect(await identify(b, ada)).toBe('Ada')
    expect(await identify(a, bob)).toBe('Bob')

    const rule = { interval: hour }
    const adaIn = { id: randomUUID(), personId: adaRecord!.id, personName: 'Ada', at: Date.now(), distance: 0.2, thumbnail }
    expect(await b.checkIns.add(adaIn, rule)).not.toBeNull()
    // Bob at A while the server is away: queued on A's disk, sealed for the server when the queue is sent.
    await server.stop()
    await expect.poll(() => a.shared!.online, { timeout: 5000 }).toBe(false)
    const bobIn = { id: randomUUID(), personId: bobRecord!.id, personName: 'Bob', at: Date.now(), distance: 0.2, thumbnail }
    expect(await a.checkIns.add(bobIn, rule)).not.toBeNull()
    expect(a.shared!.currentStatus().queued).toBe(1)
    await server.start()
    await expect.poll(() => a.shared!.currentStatus(), { timeout: 10_000 }).toMatchObject({ online: true, queued: 0 })
    await expect.poll(() => b.shared!.online, { timeout: 10_000 }).toBe(true)

    const values = await serverBytes(sealedUrl)
    expect([...values.keys()].filter((k) => k.startsWith('check_ins.thumbnail:')).sort()).toEqual([`check_ins.thumbnail:${adaIn.id}`, `check_ins.thumbnail:${bobIn.id}`].sort())
    expect(faceLeaks(values, [ada, bob])).toEqual([])

    // Read back through either desk, every value opens to what was written.
    expect(await a.checkIns.thumbnail(adaIn.id)).toEqual(thumbnail)
    expect(await b.checkIns.thumbnail(bobIn.id)).toEqual(thumbnail)
    const adaPhoto = b.gallery.photosOf(adaRecord!.id)[0]!
    expect(await b.gallery.readPhoto(adaPhoto.id, 'full')).toEqual(photo)
    expect(await b.gallery.readPhoto(adaPhoto.id, 'thumbnail')).toEqual(thumbnail)
    const everything = await a.gallery.everything()
    expect(everything.map((p) => p.name).sort()).toEqual(['Ada', 'Bob'])
    expect([...everything.find((p) => p.name === 'Bob')!.templates[0]!.descriptor]).toEqual([...bob])
    expect((await a.shared!.checkIns.everything()).every((c) => c.thumbnail && Buffer.from(c.thumbnail).equals(Buffer.from(thumbnail)))).toBe(true)

    // A restart asks for no passphrase: the desk kept the gallery key, sealed under its data key.
    await close(a)
    a = await desk(sealedUrl, { dataDir: aFolder })
    expect(await identify(a, ada)).toBe('Ada')
  })

  it('a wrong gallery passphrase, or none, is WrongKey and changes nothing on the server or the desk', async () => {
    const before = await serverState(sealedUrl)
    const dir = await folder()
    const store = await Store.open(dir, keysOf(dir))
    opened.push(store)
    await expect(store.openShared(sealedUrl, { requireServer: true, galleryPassphrase: 'front door & gym flour' })).rejects.toMatchObject({
      kind: 'WrongKey',
      detail: { problem: 'wrong-gallery-passphrase' }
    })
    await expect(store.openShared(sealedUrl, { requireServer: true })).rejects.toMatchObject({ kind: 'WrongKey', detail: { problem: 'needs-gallery-passphrase' } })
    expect(await serverState(sealedUrl)).toBe(before)
    // The desk kept nothing of the gallery: no key, no mirror, and its own gallery is still the one in use.
    expect(await readdir(path.join(dir, 'shared')).catch(() => [])).toEqual(expect.not.arrayContaining(['gallery-key.lks', 'mirror.lkmr']))
    expect(store.shared).toBeNull()
    expect(store.sharedConnection.get()).toBeNull()

    // The right one still opens it from the same folder.
    const desk = await store.openShared(sealedUrl, { requireServer: true, galleryPassphrase: passphrase })
    await store.use(desk)
    expect(store.gallery.people().map((p) => p.name).sort()).toEqual(['Ada', 'Bob'])
  })

  it('a blob moved to another row on the server is refused with a typed error', async () => {
    const a = opened.find((s) => s.gallery.people().length === 2)!
    const [ada, bob] = ['Ada', 'Bob'].map((name) => a.gallery.personByName(name)!)
    const [adaPhoto, bobPhoto] = [ada, bob].map((p) => a.gallery.photosOf(p.id)[0]!.id)
    await asAdmin(sealedUrl, async (client) => {
      // Bob's face onto Ada's record, in each column: as someone with the database and not the key could.
      await client.query('UPDATE likeness.photos SET photo = (SELECT photo FROM likeness.photos WHERE id = $2) WHERE id = $1', [adaPhoto, bobPhoto])
      await client.query('UPDATE likeness.templates SET descriptor = (SELECT descriptor FROM likeness.templates WHERE person_id = $2) WHERE person_id = $1', [ada.id, bob.id])
      await client.query('UPDATE likeness.check_ins SET thumbnail = (SELECT thumbnail FROM likeness.check_ins WHERE person_id = $2) WHERE person_id = $1', [ada.id, bob.id])
    })
    await expect(a.gallery.readPhoto(adaPhoto, 'full')).rejects.toMatchObject({ kind: 'StoreCorrupt', detail: { column: 'photos.photo', rowId: adaPhoto } })
    expect(await a.gallery.readPhoto(bobPhoto, 'full')).toEqual(photo)
    const adaIn = (await a.checkIns.ofPerson(ada.id))[0]!
    await expect(a.checkIns.thumbnail(adaIn.id)).rejects.toMatchObject({ kind: 'StoreCorrupt', detail: { column: 'check_ins.thumbnail' } })
    await expect(a.gallery.everything()).rejects.toMatchObject({ kind: 'StoreCorrupt' })
    // A desk of an older Likeness, still running, writing a face in the clear: the server refuses it.
    await expect(
      asAdmin(sealedUrl, (client) =>
        client.query('INSERT INTO likeness.photos (id, person_id, created_at, photo, thumbnail) VALUES ($1, $2, now(), $3, $3)', [randomUUID(), bob.id, Buffer.from(photo)])
      )
    ).rejects.toThrow(/sealed biometrics only/)
    await expect(
      asAdmin(sealedUrl, (client) =>
        client.query("SELECT likeness.check_in($1, $2, 'Bob', $3, 0.2, 'old desk', $4, 0, NULL)", [randomUUID(), bob.id, Date.now() + 10 * hour, Buffer.from(thumbnail)])
      )
    ).rejects.toThrow(/sealed biometrics only/)
    // A desk joining now reads the templates whole, and refuses the moved one.
    await expect(desk(sealedUrl, { galleryPassphrase: passphrase })).rejects.toMatchObject({ kind: 'StoreCorrupt', detail: { column: 'templates.descriptor' } })
  })

  it('a database replaced under a running desk is not written with the old gallery’s key', async () => {
    const url = await server.database('replaced')
    const a = await desk(url, { galleryPassphrase: passphrase })
    await enroll(a, 'Ada', unitVector())
    const maintenance = url.replace(/\/replaced$/, '/postgres')
    await asAdmin(maintenance, async (client) => {
      await client.query('DROP DATABASE replaced WITH (FORCE)')
      await client.query('CREATE DATABASE replaced')
    })
    // Back on the new, empty database: the schema is made again, and the desk's key is not its key.
    await expect.poll(() => a.shared!.currentStatus().problem ?? '', { timeout: 15_000 }).toMatch(/set a gallery passphrase/)
    await expect(enroll(a, 'Bob', unitVector())).rejects.toMatchObject({ kind: 'Offline' })
    expect(await asAdmin(url, async (client) => (await client.query('SELECT count(*)::int AS n FROM likeness.photos')).rows[0].n)).toBe(0)
  })

  it('an existing plain gallery with people is sealed in one transaction on the first connect with a passphrase, and still identifies them', async () => {
    const url = await server.database('plain')
    // As a Likeness from before sealing left it: JPEG photos, PNG thumbnails, float32 rows, a check-in picture.
    const people = Array.from({ length: 5 }, (_, i) => ({ id: randomUUID(), name: `Person ${i}`, photoId: randomUUID(), templateId: randomUUID(), descriptor: unitVector() }))
    const checkInId = randomUUID()
    await asAdmin(url, async (client) => {
      await migrate(client)
      for (const p of people) {
        await client.query('INSERT INTO likeness.people (id, name, created_at) VALUES ($1, $2, now())', [p.id, p.name])
        await client.query('INSERT INTO likeness.photos (id, person_id, created_at, photo, thumbnail) VALUES ($1, $2, now(), $3, $4)', [p.photoId, p.id, Buffer.from(photo), Buffer.from(thumbnail)])
        await client.query("INSERT INTO likeness.templates (id, person_id, photo_id, encoder, descriptor) VALUES ($1, $2, $3, (SELECT encoder FROM likeness.gallery), $4)", [
          p.templateId,
          p.id,
          p.photoId,
          Buffer.from(bytesOf(p.descriptor))
        ])
      }
      await client.query("INSERT INTO likeness.check_ins (id, person_id, person_name, at, distance, desk, thumbnail) VALUES ($1, $2, $3, now(), 0.2, 'old desk', $4)", [
        checkInId,
        people[0]!.id,
        people[0]!.name,
        Buffer.from(thumbnail)
      ])
    })
    const plain = await serverState(url)

    // Without a passphrase: refused, and nothing is written in the clear or sealed.
    await expect(desk(url)).rejects.toMatchObject({ kind: 'WrongKey', detail: { problem: 'gallery-not-sealed' } })
    expect(await serverState(url)).toBe(plain)

    // Sealing is one transaction: made to fail at its last table, it leaves every value plain and no key.
    await asAdmin(url, (client) =>
      client.query(`CREATE FUNCTION likeness.refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the disk is full'; END $$;
        CREATE TRIGGER refuse BEFORE UPDATE ON likeness.check_ins FOR EACH ROW EXECUTE FUNCTION likeness.refuse()`)
    )
    await expect(desk(url, { galleryPassphrase: passphrase })).rejects.toThrow(/the disk is full/)
    await asAdmin(url, (client) => client.query('DROP TRIGGER refuse ON likeness.check_ins; DROP FUNCTION likeness.refuse()'))
    expect(await serverState(url)).toBe(plain)

    const a = await desk(url, { galleryPassphrase: passphrase })
    // Five photos and thumbnails, five templates, one check-in picture.
    expect(a.shared!.sealedNow).toBe(16)
    expect(faceLeaks(await serverBytes(url), people.map((p) => p.descriptor))).toEqual([])
    for (const p of people) expect(await identify(a, p.descriptor)).toBe(p.name)
    expect(await a.gallery.readPhoto(people[2]!.photoId, 'full')).toEqual(photo)
    expect(await a.checkIns.thumbnail(checkInId)).toEqual(thumbnail)

    // Another desk joins with the passphrase the first one set.
    const b = await desk(url, { galleryPassphrase: passphrase })
    expect(b.shared!.sealedNow).toBe(0)
    for (const p of people) expect(await identify(b, p.descriptor)).toBe(p.name)
  })
})
