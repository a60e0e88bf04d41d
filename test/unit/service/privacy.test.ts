import { createHash } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Service } from '../../../src/main/service'
import { openPersonFile } from '../../../src/main/service/personExport'
import { passphraseProvider } from '../../../src/main/store/crypto/keyProviders'
import { dbFileName } from '../../../src/main/store/db'
import { encodePng } from '../../../src/main/image/encode'
import type { ErasureReceipt } from '../../../src/shared/api/privacy'
import { containsAnyWindow, imageSignatures, looksRandom } from '../../support/bytes'
import { cameraFrame, cropFace, demoPhoto, holdStill } from '../../support/faceCrops'
import { folderSnapshot } from '../../support/folder'
import { followJob } from '../../support/jobs'
import { keysOf } from '../../support/keys'
import { testPainting } from '../style/helpers/images'

// Real models, a real face: after enrolling, checking in and a style run on a face photo, the data
// folder must hold no picture and no template anyone could read off the disk; an erasure must reach
// the backups and temporary files, with a receipt; the audit log must hold no name or face.
const workerScript = path.resolve('out/main/worker.js')
const passphrase = 'the subject gets this'

/** Every array of numbers anywhere in a JSON value, by length: a template is 128 of them. */
function numberArrays(value: unknown, found: number[] = []): number[] {
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((v) => typeof v === 'number')) found.push(value.length)
    for (const v of value) numberArrays(v, found)
  } else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) numberArrays(v, found)
  return found
}

describe('biometric privacy through the service', () => {
  let dataDir: string
  let service: Service
  let ada: Uint8Array
  let adaId: string
  let template: Float32Array

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'likeness-privacy-'))
    service = await Service.open({ dataDir, keys: keysOf(dataDir), workerScript, host: 'cli', backend: 'wasm' })
    const group = await demoPhoto(1)
    const boxes = (await service.call('face.detect', { image: group })).faces.map((f) => f.box)
    ada = await cropFace(group, boxes[0]!)
    adaId = (await service.call('face.enroll', { name: 'Ada', images: [ada] })).person.id
    // a still at the camera: checked in with liveness off
    await service.call('settings.update', { liveness: 'off' })
    await holdStill(service, await cameraFrame(ada), 4, 'desk')
    const style = await service.call('style.start', {
      content: ada,
      styles: [{ image: await encodePng(testPainting(64, 64)), weight: 1 }],
      network: 'mobilenet',
      options: { size: 64, multiScale: false, iterations: 2, padding: 8 }
    })
    expect((await followJob(service, style)).final.state).toBe('done')
    const document = await openPersonFile(await service.call('privacy.exportPerson', { personId: adaId, passphrase }), passphrase)
    template = Float32Array.from(document.templates[0]!.descriptor)
  })
  afterAll(async () => service?.close())

  it('leaves no JPEG, PNG or readable template row in any file of the data folder', async () => {
    expect((await service.call('checkin.log', {})).filter((c) => c.hasThumbnail)).toHaveLength(1)
    const files = Object.keys(await folderSnapshot(dataDir))
    for (const folder of ['photos', 'thumbnails', 'checkins', 'style']) expect(files.some((f) => f.startsWith(`${folder}/`)), folder).toBe(true)
    const templateBytes = new Uint8Array(template.buffer)
    // The check can fail: the photo and the template are readable where they are not sealed.
    expect(imageSignatures(ada)).toContain('JPEG')
    for (const name of files) {
      const bytes = new Uint8Array(await readFile(path.join(dataDir, name)))
      expect(imageSignatures(bytes), name).toEqual([])
      expect(containsAnyWindow(bytes, templateBytes, 16), name).toBe(false)
      if (/^(photos|thumbnails|checkins|style)\/|\.lktm$/.test(name) && bytes.byteLength >= 1024) expect(looksRandom(bytes), name).toBe(true)
      if (name.endsWith('.json') || name.endsWith('.jsonl')) {
        const text = new TextDecoder().decode(bytes)
        const values = name.endsWith('.jsonl') ? text.trim().split('\n').map((line) => JSON.parse(line)) : JSON.parse(text)
        expect(Math.max(0, ...numberArrays(values)), name).toBeLessThan(64)
      }
    }
  })

  it("exports one person's data under a passphrase: their photos, template and check-ins, and the audit lines about them", async () => {
    const file = await service.call('privacy.exportPerson', { personId: adaId, passphrase })
    expect(imageSignatures(file)).toEqual([])
    await expect(openPersonFile(file, 'a wrong passphrase')).rejects.toMatchObject({ kind: 'WrongKey' })
    const document = await openPersonFile(file, passphrase)
    expect(document.person).toMatchObject({ id: adaId, name: 'Ada' })
    const [photo] = (await service.call('face.people', {}))[0]!.photoIds
    expect(Buffer.from(document.photos[0]!.faceJpeg, 'base64').equals(await service.call('face.photo', { photoId: photo!, kind: 'thumbnail' }))).toBe(true)
    expect(document.templates[0]!.descriptor).toHaveLength(128)
    expect(document.checkIns).toHaveLength(1)
    expect(Buffer.from(document.checkIns[0]!.pictureJpeg!, 'base64').subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]))
    expect(document.audit.map((e) => e.action)).toContain('enroll')
  })

  it('a wrong passphrase opens nothing and changes nothing', async () => {
    const before = await folderSnapshot(dataDir)
    await expect(Service.open({ dataDir, keys: [passphraseProvider('not this folder')], workerScript, host: 'cli', backend: 'wasm' })).rejects.toMatchObject({ kind: 'WrongKey' })
    expect(await folderSnapshot(dataDir)).toEqual(before)
  })

  it('erases a person with a receipt, the backups that name them and temporary files included; the audit log keeps the digest, not the name', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid!
    const db = await readFile(path.join(dataDir, dbFileName), 'utf8')
    await writeFile(path.join(dataDir, `${dbFileName}.corrupt-2024-01-01T00-00-00-000Z`), db)
    await writeFile(path.join(dataDir, `${dbFileName}.corrupt-2023-01-01T00-00-00-000Z`), '{"people": []')
    await writeFile(path.join(dataDir, 'photos', `.x.jpg.${dead}.0badf00d.tmp`), ada)

    const { receipt } = await service.call('face.forget', { personId: adaId })
    expect(receipt).toMatchObject({ personId: adaId, name: 'Ada', erased: { templates: 1, photos: 1, checkInPictures: 1, backups: 1, temporaryFiles: 1 }, checkInsKept: 1 })
    const { digest, ...fields } = receipt
    expect(createHash('sha256').update(JSON.stringify(fields satisfies Omit<ErasureReceipt, 'digest'>)).digest('hex')).toBe(digest)
    const left = await readdir(dataDir, { recursive: true })
    expect(left.filter((name) => name.includes('.corrupt-'))).toEqual([`${dbFileName}.corrupt-2023-01-01T00-00-00-000Z`])
    expect(left.filter((name) => name.endsWith('.tmp'))).toEqual([])
    for (const folder of ['photos', 'thumbnails', 'checkins']) expect(await readdir(path.join(dataDir, folder))).toEqual([])

    const audit = await service.call('privacy.audit', {})
    expect(audit.intact).toBe(true)
    expect(audit.entries.map((e) => e.action)).toEqual(['enroll', 'settings', 'export-person', 'export-person', 'forget'])
    expect(audit.entries.at(-1)).toMatchObject({ personId: adaId, detail: { receipt: receipt.id, digest } })
    const text = await readFile(path.join(dataDir, 'audit', 'audit.jsonl'), 'utf8')
    expect(text).not.toContain('Ada')
  })

  it('a wipe removes every backup', async () => {
    await writeFile(path.join(dataDir, `${dbFileName}.corrupt-2025-01-01T00-00-00-000Z`), 'damaged')
    const wiped = await service.call('face.wipe', { confirm: true })
    expect(wiped).toMatchObject({ removedPeople: 0, backups: 2 })
    expect((await readdir(dataDir)).filter((name) => name.includes('.corrupt-'))).toEqual([])
  })
})
