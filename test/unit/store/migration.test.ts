import { spawn, spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Store } from '../../../src/main/store'
import { isSealed } from '../../../src/main/store/crypto/dataKey'
import { dbFileName } from '../../../src/main/store/db'
import { currentSchemaVersion, emptyDb } from '../../../src/main/store/schema'
import { descriptorDimension } from '../../../src/shared/api/face'
import { defaultStyleSettings } from '../../../src/main/style/settings'
import { containsAnyWindow, imageSignatures } from '../../support/bytes'
import { demoPhoto } from '../../support/faceCrops'
import { folderSnapshot } from '../../support/folder'
import { keysOf } from '../../support/keys'
import { plainMatrix } from '../../support/legacyMatrix'

// A data folder as Likeness wrote it before encryption (JPEG photos, a plaintext template matrix,
// check-in pictures, a style result), migrated in place by a child process that is killed with
// SIGKILL at random moments; after each kill the folder must open and hold every byte it held.
const people = 60
const child = path.resolve('test/support/openFolder.ts')

interface Legacy {
  /** Every stored file by its name in the folder, as the old Likeness wrote it. */
  files: Map<string, Uint8Array>
  rows: Float32Array
  photoIds: string[]
  checkInIds: string[]
  styleResultId: string
}

/** A process id that no longer runs: a writer that died with its temporary file on disk. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!
}

/** A style result's options as Likeness saved them before the studio's pictures worth keeping (issue 12). */
const { paletteMatch: _p, parameterisation: _q, chromaSmoothing: _c, chromaBlur: _b, laplacianWeight: _l, fineShare: _f, ...olderStyleOptions } = defaultStyleSettings('mobilenet')

async function writePlaintextFolder(dir: string): Promise<Legacy> {
  const photos = await Promise.all([1, 2, 3, 4, 5, 6].map(demoPhoto))
  const png = new Uint8Array(await sharp(photos[0]).resize(96).png().toBuffer())
  const db = emptyDb()
  const files = new Map<string, Uint8Array>()
  const rows = Float32Array.from({ length: people * descriptorDimension }, () => Math.random() * 0.2 - 0.1)
  const photoIds: string[] = []
  const checkInIds: string[] = []
  for (let i = 0; i < people; i++) {
    const personId = randomUUID()
    const photoId = randomUUID()
    const checkInId = randomUUID()
    photoIds.push(photoId)
    checkInIds.push(checkInId)
    db.people.push({ id: personId, name: `Person ${i}`, createdAt: i })
    db.photos.push({ id: photoId, personId, file: `photos/${photoId}.jpg`, createdAt: i })
    db.templates.push({ id: randomUUID(), personId, photoId, encoder: db.embedding.id })
    db.checkIns.push({ id: checkInId, personId, personName: `Person ${i}`, at: 1_700_000_000_000 + i, distance: 0.2, thumbnail: `checkins/${checkInId}.jpg`, liveness: null })
    files.set(`photos/${photoId}.jpg`, photos[i % 6]!)
    files.set(`thumbnails/${photoId}.jpg`, photos[(i + 1) % 6]!)
    files.set(`checkins/${checkInId}.jpg`, photos[(i + 2) % 6]!)
  }
  const styleResultId = randomUUID()
  const styleFiles = { file: `style/${styleResultId}.png`, content: `style/${styleResultId}-content.png`, style: `style/${styleResultId}-style-0.png` }
  for (const file of Object.values(styleFiles)) files.set(file, png)
  db.styleResults.push({
    id: styleResultId,
    createdAt: 1,
    file: styleFiles.file,
    params: {
      jobId: 'j',
      network: 'mobilenet',
      options: olderStyleOptions,
      width: 96,
      height: 96,
      iterations: 1,
      complete: true,
      seconds: 1,
      losses: { content: 1, style: 1, tv: 1, total: 3 },
      history: [],
      contentFile: styleFiles.content,
      styles: [{ file: styleFiles.style, weight: 1 }]
    }
  })
  expect(db.schemaVersion).toBe(currentSchemaVersion)
  await mkdir(dir, { recursive: true })
  for (const folder of ['photos', 'thumbnails', 'checkins', 'style']) await mkdir(path.join(dir, folder))
  for (const [name, bytes] of files) await writeFile(path.join(dir, name), bytes)
  await writeFile(path.join(dir, db.templateFile), plainMatrix(rows))
  await writeFile(path.join(dir, dbFileName), JSON.stringify(db))
  // Writes the old Likeness never finished: a photo and the whole db.json, in the clear.
  await writeFile(path.join(dir, `photos/.${photoIds[0]}.jpg.${deadPid()}.0badf00d.tmp`), photos[0]!)
  await writeFile(path.join(dir, `.${dbFileName}.${deadPid()}.deadbeef.tmp`), JSON.stringify(db))
  return { files, rows, photoIds, checkInIds, styleResultId }
}

/** How many of the legacy files are still plaintext, and how many sealed. */
async function progress(dir: string, legacy: Legacy): Promise<{ plain: number; sealed: number }> {
  let plain = 0
  let sealed = 0
  for (const name of legacy.files.keys()) {
    if (isSealed(new Uint8Array(await readFile(path.join(dir, name))))) sealed++
    else plain++
  }
  return { plain, sealed }
}

/** Opens the folder and checks that it holds every byte of the legacy folder, sealed, and nothing in the clear. */
async function expectIntactAndSealed(dir: string, legacy: Legacy): Promise<void> {
  const store = await Store.open(dir, keysOf(dir))
  const loaded = await store.gallery.load([])
  expect(loaded.descriptors).toEqual(legacy.rows)
  // Buffer.equals, not toEqual: a deep equality over 180 photos of 200 kB takes minutes.
  const same = (read: Uint8Array, name: string): boolean => Buffer.from(read).equals(legacy.files.get(name)!)
  for (const photoId of legacy.photoIds) {
    expect(same(await store.gallery.readPhoto(photoId, 'full'), `photos/${photoId}.jpg`), photoId).toBe(true)
    expect(same(await store.gallery.readPhoto(photoId, 'thumbnail'), `thumbnails/${photoId}.jpg`), photoId).toBe(true)
  }
  for (const checkInId of legacy.checkInIds) expect(same(await store.checkIns.thumbnail(checkInId), `checkins/${checkInId}.jpg`), checkInId).toBe(true)
  const style = await store.styleHistory.detail(legacy.styleResultId)
  // saved before the studio had these options: listed, and described as it was made
  expect(store.styleHistory.list().map((r) => r.id)).toEqual([legacy.styleResultId])
  expect(style.options).toMatchObject({ paletteMatch: 'none', parameterisation: 'pixels', chromaSmoothing: 0, chromaBlur: 0, laplacianWeight: 0 })
  for (const image of [style.image, style.content, style.styles[0]!.image]) expect(same(image, `style/${legacy.styleResultId}.png`)).toBe(true)
  const onDisk = await folderSnapshot(dir)
  expect(Object.keys(onDisk).filter((name) => name.endsWith('.tmp'))).toEqual([])
  for (const name of Object.keys(onDisk)) {
    const bytes = new Uint8Array(await readFile(path.join(dir, name)))
    expect(imageSignatures(bytes), name).toEqual([])
    expect(containsAnyWindow(bytes, new Uint8Array(legacy.rows.buffer, 0, 64 * 4), 16), name).toBe(false)
  }
}

/** Runs the child on `dir`; with `killAfter`, SIGKILLs it that many ms after it starts opening. Resolves with the ms it ran and whether it finished. */
function openInChild(dir: string, killAfter?: number): Promise<{ ms: number; finished: boolean }> {
  return new Promise((resolve, reject) => {
    const process_ = spawn(process.execPath, ['--import', 'tsx', child, dir], { stdio: ['ignore', 'pipe', 'inherit'] })
    let started = 0
    let finished = false
    process_.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString()
      if (text.includes('opening')) {
        started = performance.now()
        if (killAfter !== undefined) setTimeout(() => process_.kill('SIGKILL'), killAfter)
      }
      if (text.includes('opened')) finished = true
    })
    process_.on('error', reject)
    process_.on('exit', () => resolve({ ms: performance.now() - started, finished }))
  })
}

describe('migrating a plaintext data folder in place', () => {
  let root: string
  let pristine: string
  let legacy: Legacy

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'likeness-migrate-'))
    pristine = path.join(root, 'pristine')
    legacy = await writePlaintextFolder(pristine)
  })
  afterAll(() => rm(root, { recursive: true, force: true }))

  it('seals every photo, picture and template, drops unfinished writes, and loses nothing', async () => {
    const dir = path.join(root, 'whole')
    await cp(pristine, dir, { recursive: true })
    expect((await progress(dir, legacy)).sealed).toBe(0)
    const store = await Store.open(dir, keysOf(dir))
    expect(store.notices.map((n) => n.kind)).toContain('migrated')
    expect(await progress(dir, legacy)).toEqual({ plain: 0, sealed: legacy.files.size })
    await expectIntactAndSealed(dir, legacy)
  })

  it('killed with SIGKILL at random moments, leaves a folder that opens with everything in it', async () => {
    const calibration = path.join(root, 'calibration')
    await cp(pristine, calibration, { recursive: true })
    const whole = await openInChild(calibration)
    expect(whole.finished).toBe(true)
    const states: string[] = []
    for (let trial = 0; trial < 8; trial++) {
      const dir = path.join(root, `trial-${trial}`)
      await cp(pristine, dir, { recursive: true })
      const run = await openInChild(dir, Math.random() * whole.ms)
      const { plain, sealed } = await progress(dir, legacy)
      states.push(run.finished ? 'finished' : plain > 0 && sealed > 0 ? 'mid-migration' : sealed === 0 ? 'before sealing' : 'after sealing')
      await expectIntactAndSealed(dir, legacy)
      await rm(dir, { recursive: true, force: true })
      await rm(`${dir}.key`, { force: true })
    }
    console.log(`migration of ${legacy.files.size} files took ${whole.ms.toFixed(0)} ms in a child; kills landed: ${states.join(', ')}`)
    // The kills must have hit the migration itself, not only its edges.
    expect(states.filter((s) => s === 'mid-migration').length).toBeGreaterThanOrEqual(2)
  }, 600_000)
})
