import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Service } from '../../../src/main/service'
import { dbFileName } from '../../../src/main/store/db'
import { cropFace, demoPhoto } from '../../support/faceCrops'

// Real models on real faces through the real service: the frame loop's debounce and interval.
const workerScript = path.resolve('out/main/worker.js')

describe('check-in from camera frames', () => {
  let service: Service
  let dataDir: string
  let ada: Uint8Array
  let stranger: Uint8Array

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'likeness-checkin-'))
    service = await Service.open({ dataDir, workerScript, host: 'cli', backend: 'wasm' })
    const group = await demoPhoto(1)
    const boxes = (await service.call('face.detect', { image: group })).faces.map((f) => f.box)
    ada = await cropFace(group, boxes[0]!)
    stranger = await cropFace(group, boxes[1]!)
    await service.call('face.enroll', { name: 'Ada', images: [ada] })
  })
  afterAll(async () => service?.close())

  const frames = async (image: Uint8Array, count: number, session = 'desk') => {
    const results = []
    for (let i = 0; i < count; i++) results.push(await service.call('checkin.frame', { image, session }))
    return results
  }

  it('checks a recognised person in once for a run of frames, never on the first frame', async () => {
    const run = await frames(ada, 7)
    expect(run.every((r) => r.faces[0]?.name === 'Ada')).toBe(true)
    expect(run.map((r) => r.checkedIn.length)).toEqual([0, 0, 1, 0, 0, 0, 0])
    expect(run[2]!.checkedIn[0]).toMatchObject({ personName: 'Ada', hasThumbnail: true })
    const log = await service.call('checkin.log', {})
    expect(log).toHaveLength(1)
    const thumbnail = await service.call('checkin.thumbnail', { checkInId: log[0]!.id })
    expect([...thumbnail.subarray(0, 2)]).toEqual([0xff, 0xd8])
  })

  it('marks a face never enrolled as unknown and checks nobody in', async () => {
    const run = await frames(stranger, 4, 'door')
    expect(run.every((r) => r.faces.length === 1 && r.faces[0]!.personId === null)).toBe(true)
    expect(run.flatMap((r) => r.checkedIn)).toEqual([])
  })

  it('checks the same person in again only once the interval has passed', async () => {
    await service.call('settings.update', { checkInIntervalMinutes: 0 })
    const run = await frames(ada, 3, 'door')
    expect(run.map((r) => r.checkedIn.length)).toEqual([0, 0, 1])
    expect(await service.call('checkin.log', {})).toHaveLength(2)
    await service.call('settings.update', { checkInIntervalMinutes: 60 })
  })

  it('filters the log by time and exports it as CSV', async () => {
    const log = await service.call('checkin.log', {})
    expect(await service.call('checkin.log', { from: log[0]!.at + 1 })).toEqual([])
    expect(await service.call('checkin.log', { from: log[1]!.at, to: log[0]!.at })).toEqual([log[1]])
    const csv = await service.call('checkin.csv', {})
    const lines = csv.trim().split('\r\n')
    expect(lines[0]).toBe('time,person,distance')
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(['Ada', 'Ada'])
    expect(lines[1]!.split(',')[0]).toBe(new Date(log[0]!.at).toISOString())
  })

  it("lists the gallery's roster: each person's templates, photos and latest check-in", async () => {
    await service.call('face.enroll', { name: 'Stranger', images: [stranger] })
    const log = await service.call('checkin.log', {})
    const roster = await service.call('face.roster', {})
    const people = await service.call('face.people', {})
    expect(roster.map(({ lastCheckIn, ...person }) => person)).toEqual(people)
    expect(roster.map((p) => [p.name, p.templateCount, p.photoIds.length, p.lastCheckIn])).toEqual([
      ['Ada', 1, 1, log[0]!.at],
      ['Stranger', 1, 1, null]
    ])
    await service.call('face.forget', { personId: roster[1]!.id })
  })

  it('keeps the log but drops the thumbnails when the person is forgotten', async () => {
    const [person] = await service.call('face.people', {})
    await service.call('face.forget', { personId: person!.id })
    const log = await service.call('checkin.log', {})
    expect(log.map((c) => c.hasThumbnail)).toEqual([false, false])
    const left = await readdir(path.join(dataDir, 'checkins')).catch(() => [])
    expect(left).toEqual([])
    expect(JSON.parse(await readFile(path.join(dataDir, dbFileName), 'utf8')).checkIns).toHaveLength(2)
  })
})
