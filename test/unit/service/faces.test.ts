import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, readdir } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { Service } from '../../../src/main/service'
import type { Box } from '../../../src/shared/geometry'
import { cropFace, demoPhoto } from '../../support/faceCrops'
import { keysOf } from '../../support/keys'

// Real models, real photos: face-api's demo group photos, and crops the test cuts from them.
const workerScript = path.resolve('out/main/worker.js')

async function storedFiles(dir: string): Promise<string[]> {
  const all = await readdir(dir, { recursive: true })
  return all.filter((f) => f.endsWith('.jpg')).sort()
}

describe('face check-in use cases', () => {
  let dataDir: string
  let service: Service
  let group: Uint8Array
  let boxes: Box[]
  let ada: Uint8Array
  let other: Uint8Array

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'likeness-faces-'))
    service = await Service.open({ dataDir, keys: keysOf(dataDir), workerScript, host: 'cli', backend: 'wasm' })
    group = await demoPhoto(1)
    const detection = await service.call('face.detect', { image: group })
    boxes = detection.faces.map((f) => f.box)
    ada = await cropFace(group, boxes[0]!)
    other = await cropFace(group, boxes[1]!)
  })
  afterAll(async () => service?.close())

  it('finds every face of a group photo with quality figures', async () => {
    const detection = await service.call('face.detect', { image: group })
    expect(detection.faces.length).toBeGreaterThanOrEqual(3)
    for (const face of detection.faces) {
      expect(face.box.width).toBeGreaterThan(40)
      expect(face.quality.brightness).toBeGreaterThan(0)
      expect(face.quality.sharpness).toBeGreaterThan(0)
    }
  })

  it('refuses to enroll a group photo unless a face is named, and stores nothing', async () => {
    await expect(service.call('face.enroll', { name: 'Crowd', images: [group] })).rejects.toMatchObject({ kind: 'ManyFaces' })
    expect(await service.call('face.people', {})).toEqual([])
    expect(await storedFiles(dataDir)).toEqual([])
  })

  it('enrolls one shot and identifies that person, and only that person, in the group photo', async () => {
    const enrolled = await service.call('face.enroll', { name: 'Ada', images: [ada] })
    expect(enrolled.templatesAdded).toBe(1)
    expect(enrolled.person.templateCount).toBe(1)
    const result = await service.call('face.identify', { image: group })
    const first = result.faces.find((f) => Math.abs(f.box.x - boxes[0]!.x) < 20)!
    expect(first.name).toBe('Ada')
    expect(first.distance!).toBeLessThan(result.threshold)
    const others = result.faces.filter((f) => f !== first)
    expect(others.length).toBeGreaterThanOrEqual(2)
    for (const face of others) {
      expect(face.personId).toBeNull()
      expect(face.distance!).toBeGreaterThan(result.threshold)
    }
  })

  it('verifies 1:1: the same face turned and scaled matches, another face does not', async () => {
    const [person] = await service.call('face.people', {})
    const turned = new Uint8Array(await sharp(ada).rotate(8, { background: '#808080' }).resize({ width: 300 }).jpeg().toBuffer())
    const same = await service.call('face.verify', { personId: person!.id, image: turned })
    expect(same.match).toBe(true)
    expect(same.distance).toBeLessThan(same.threshold)
    const different = await service.call('face.verify', { personId: person!.id, image: other })
    expect(different.match).toBe(false)
    expect(different.distance).toBeGreaterThan(different.threshold)
  })

  it('answers bad input with typed errors and stores nothing', async () => {
    const before = { people: await service.call('face.people', {}), files: await storedFiles(dataDir) }
    const truncated = ada.subarray(0, Math.floor(ada.length / 2))
    const blank = new Uint8Array(await sharp({ create: { width: 320, height: 240, channels: 3, background: '#6a8caf' } }).png().toBuffer())
    const tiny = new Uint8Array(
      await sharp({ create: { width: 96, height: 96, channels: 3, background: '#808080' } })
        .composite([{ input: await sharp(await cropFace(group, boxes[0]!, 0.3)).resize({ width: 36 }).toBuffer(), left: 30, top: 24 }])
        .png()
        .toBuffer()
    )
    const cases: [Uint8Array, string][] = [
      [new TextEncoder().encode('this is not a picture'), 'NotAnImage'],
      [truncated, 'CorruptImage'],
      [blank, 'NoFace'],
      [tiny, 'FaceTooSmall']
    ]
    for (const [image, kind] of cases) {
      await expect(service.call('face.enroll', { name: 'Bad', images: [image] })).rejects.toMatchObject({ kind })
    }
    // One good image and one bad one: all or nothing.
    await expect(service.call('face.enroll', { name: 'Half', images: [other, blank] })).rejects.toMatchObject({ kind: 'NoFace' })
    await expect(service.call('face.verify', { personId: 'nobody', image: ada })).rejects.toMatchObject({ kind: 'UnknownPerson' })
    expect(await service.handle('face.enroll', { name: '', images: [] })).toMatchObject({ ok: false, error: { kind: 'BadRequest' } })
    expect(await service.call('face.people', {})).toEqual(before.people)
    expect(await storedFiles(dataDir)).toEqual(before.files)
  })

  it('refuses a blurred and a dark shot for every client, naming the figure and the limit; face.detect gives the same verdict first', async () => {
    const before = { people: await service.call('face.people', {}), files: await storedFiles(dataDir) }
    // Still found by the detector, but under the measured limits (σ = 3 px blur; 40% of the light).
    const shots: [string, Uint8Array, 'sharpness' | 'brightness', 'min' | 'max'][] = [
      ['blurred', new Uint8Array(await sharp(ada).blur(3).jpeg().toBuffer()), 'sharpness', 'min'],
      ['dark', new Uint8Array(await sharp(ada).linear(0.4, 0).jpeg().toBuffer()), 'brightness', 'min']
    ]
    for (const [what, shot, figure, bound] of shots) {
      const verdict = (await service.call('face.detect', { image: shot })).faces[0]!.problems
      expect(verdict.map((p) => [p.figure, p.bound]), what).toContainEqual([figure, bound])
      const refused = await service.handle('face.enroll', { name: 'Shaky', images: [ada, shot] })
      expect(refused, what).toMatchObject({ ok: false, error: { kind: 'PoorShot', detail: { image: 1, problems: verdict } } })
      if (refused.ok) continue
      expect(refused.error.message).toContain('Picture 2 of 2')
      expect(refused.error.message).toMatch(new RegExp(`${figure} \\d+, at ${bound === 'min' ? 'least' : 'most'} \\d+`))
    }
    // The sharp, well-lit original passes the same rule.
    expect((await service.call('face.detect', { image: ada })).faces[0]!.problems).toEqual([])
    expect(await service.call('face.people', {})).toEqual(before.people)
    expect(await storedFiles(dataDir)).toEqual(before.files)
  })

  it('reads a 40-megapixel photo by scaling it down instead of failing', async () => {
    const face = await sharp(ada).resize({ height: 5200 }).toBuffer()
    const huge = new Uint8Array(
      await sharp({ create: { width: 7800, height: 5200, channels: 3, background: '#9aa4ad' } })
        .composite([{ input: face, left: 2000, top: 0 }])
        .jpeg({ quality: 80 })
        .toBuffer()
    )
    expect((await sharp(huge).metadata()).width! * (await sharp(huge).metadata()).height!).toBeGreaterThan(40e6)
    const result = await service.call('face.identify', { image: huge })
    expect(result.faces[0]?.name).toBe('Ada')
  })

  it('reloads the gallery intact after a restart', async () => {
    await service.close()
    service = await Service.open({ dataDir, keys: keysOf(dataDir), workerScript, host: 'cli', backend: 'wasm' })
    const people = await service.call('face.people', {})
    expect(people.map((p) => p.name)).toEqual(['Ada'])
    const again = await service.call('face.identify', { image: ada })
    expect(again.faces[0]?.name).toBe('Ada')
  })

  it('adds more shots to a person by name and erases everything of them on forget', async () => {
    const more = await service.call('face.enroll', { name: 'ada', images: [await cropFace(group, boxes[0]!, 0.3)] })
    expect(more.person.name).toBe('Ada')
    expect(more.person.templateCount).toBe(2)
    const bob = await service.call('face.enroll', { name: 'Bob', images: [other] })
    expect((await storedFiles(dataDir)).length).toBe(6)

    const forgotten = await service.call('face.forget', { personId: more.person.id })
    expect(forgotten.removedTemplates).toBe(2)
    const result = await service.call('face.identify', { image: ada })
    expect(result.faces[0]?.personId).toBeNull()
    // Only Bob's photo and thumbnail remain, and Bob is still recognised.
    expect((await storedFiles(dataDir)).length).toBe(2)
    expect((await service.call('face.identify', { image: other })).faces[0]?.personId).toBe(bob.person.id)
    await expect(service.call('face.verify', { personId: more.person.id, image: ada })).rejects.toMatchObject({ kind: 'UnknownPerson' })
  })
})
