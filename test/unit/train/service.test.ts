import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { Service } from '../../../src/main/service'
import { followJob } from '../../support/jobs'
import { cropFace, demoPhoto } from '../../support/faceCrops'
import { keysOf } from '../../support/keys'

// The built worker, real models on wasm, a labelled folder the test makes from face-api's demo photos.
const workerScript = path.resolve('out/main/worker.js')

/** Three "photos" of one person from one real face: as cut, mirrored, darker. */
async function variants(face: Uint8Array): Promise<Uint8Array[]> {
  return [face, await sharp(face).flop().jpeg().toBuffer(), await sharp(face).modulate({ brightness: 0.75 }).jpeg().toBuffer()].map((b) => new Uint8Array(b))
}

describe('training lab service on a short real job', () => {
  let service: Service
  let folder: string
  const people: Uint8Array[][] = []

  beforeAll(async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'likeness-train-'))
    service = await Service.open({ dataDir, keys: keysOf(dataDir), workerScript, host: 'cli', backend: 'wasm' })
    folder = path.join(dataDir, '..', `${path.basename(dataDir)}-faces`)
    for (const n of [1, 2]) {
      const photo = await demoPhoto(n)
      const { faces } = await service.call('face.detect', { image: photo })
      for (const face of faces.slice(0, 2)) people.push(await variants(await cropFace(photo, face.box)))
    }
    for (const [p, images] of people.entries()) {
      await mkdir(path.join(folder, `person${p}`), { recursive: true })
      for (const [i, image] of images.entries()) await writeFile(path.join(folder, `person${p}`, `${i}.jpg`), image)
    }
  })
  afterAll(async () => service?.close())

  const settings = { mode: 'finetune' as const, stage: 'conv256' as const, peoplePerBatch: 2, imagesPerPerson: 2, validationShare: 0.5, alpha: 1.5 }

  it('a fine-tuning job reports its loss every step and a cancel stores no model', async () => {
    const job = await service.call('train.start', { source: { kind: 'folder', folder }, settings: { ...settings, epochs: 200 } })
    let cancelled = false
    const { final: end } = await followJob(service, job, (now) => {
      if (!cancelled && now.progress?.values?.loss !== undefined) {
        cancelled = true
        void service.call('jobs.cancel', { jobId: job.id })
      }
    })
    expect(cancelled).toBe(true)
    expect(end.state).toBe('cancelled')
    expect(await service.call('train.models', {})).toEqual([])
  })

  it('a short run, kept, re-encodes the gallery; check-in still knows the people; revert goes back to stock', async () => {
    const job = await service.call('train.start', { source: { kind: 'folder', folder }, settings: { ...settings, epochs: 1 } })
    const run = await followJob(service, job)
    expect(run.final.state).toBe('done')
    const result = run.result!
    expect(result.steps).toBeGreaterThan(0)
    expect(result.history.loss).toHaveLength(result.steps)

    const ada = await service.call('face.enroll', { name: 'Ada', images: [people[0]![0]!] })
    const bob = await service.call('face.enroll', { name: 'Bob', images: [people[2]![0]!] })
    const [model] = await service.call('train.keep', { modelId: result.modelId })
    expect(model!.status).toBe('kept')

    const progress: number[] = []
    const reencoded = await followJob(service, await service.call('train.reencode', {}), (now) => {
      if (now.progress) progress.push(now.progress.done)
    })
    expect(reencoded.final.state).toBe('done')
    expect(reencoded.result!.embedding).toContain(`finetune:${result.modelId}`)
    expect(reencoded.result!.templates).toBe(2)
    expect(progress.length).toBeGreaterThan(0)

    // the mirrored photo, encoded by the fine-tuned encoder, against templates re-encoded by it
    const identified = await service.call('face.identify', { image: people[0]![1]! })
    expect(identified.faces[0]!.personId).toBe(ada.person.id)
    expect((await service.call('face.verify', { personId: bob.person.id, image: people[2]![1]! })).match).toBe(true)
    expect((await service.call('face.verify', { personId: bob.person.id, image: people[0]![1]! })).match).toBe(false)

    await service.call('train.revert', { modelId: result.modelId })
    const back = await followJob(service, await service.call('train.reencode', {}))
    expect(back.result!.embedding).toBe('dlib-resnet-face-api')
    expect((await service.call('face.identify', { image: people[2]![2]! })).faces[0]!.personId).toBe(bob.person.id)
  })
})
