/**
 * Several desks on one shared gallery: 10 simulated desks, each sending a check-in write for
 * every frame at 10 frames/s (an upper bound: the service writes only when the debounce says a
 * person is steady), against one PostgreSQL server (a private cluster, fsync on), while desk 0
 * enrolls someone every 2 s. Prints JSON lines: p50/p99 of the check-in write, the mirror's lag
 * after an enroll at the other nine desks, and side by side the references: the embedded store's
 * check-in write (one desk, lowdb + fsync) and a desk starting from scratch against one starting
 * from its cursor. All desks run in this one process.
 *
 *   npm run bench:desks [-- seconds]
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import sharp from 'sharp'
import { Store } from '../src/main/store'
import { keysOf } from '../test/support/keys'
import { descriptorDimension } from '../src/shared/api/face'
import { startTestServer } from '../test/support/postgres'

const seconds = Number(process.argv[2] ?? 30)
const deskCount = 10
const framesPerSecond = 10
const galleryPeople = 10_000
const present = 50
const enrollEvery = 2000
const rule = { interval: 60 * 60_000 }

const print = (line: Record<string, unknown>): void => console.log(JSON.stringify({ bench: 'desks', ...line }))
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

function unitVector(): Float32Array {
  const v = Float32Array.from({ length: descriptorDimension }, () => Math.random() * 2 - 1)
  const norm = Math.hypot(...v)
  return v.map((x) => x / norm)
}

function quantiles(values: number[]): { p50_ms: number; p99_ms: number; max_ms: number } {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number): number => Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(2))
  return { p50_ms: at(0.5), p99_ms: at(0.99), max_ms: Number(sorted.at(-1)!.toFixed(2)) }
}

const folder = (): Promise<string> => mkdtemp(path.join(os.tmpdir(), 'likeness-bench-desk-'))
const face = new Uint8Array(await sharp({ create: { width: 96, height: 96, channels: 3, background: { r: 180, g: 140, b: 120 } } }).jpeg().toBuffer())
const template = () => ({ descriptor: unitVector(), photo: face, thumbnail: face })

/** One desk's frame loop: a check-in write per frame for a person in front of it, timed. */
async function frameLoop(store: Store, people: { id: string; name: string }[], until: number, times: number[]): Promise<{ added: number; refused: number }> {
  let added = 0
  let refused = 0
  while (performance.now() < until) {
    const start = performance.now()
    const person = people[Math.floor(Math.random() * people.length)]!
    const logged = await store.checkIns.add({ id: randomUUID(), personId: person.id, personName: person.name, at: Date.now(), distance: 0.2, thumbnail: face }, rule)
    times.push(performance.now() - start)
    if (logged) added++
    else refused++
    await sleep(Math.max(0, 1000 / framesPerSecond - (performance.now() - start)))
  }
  return { added, refused }
}

/** The first desk seals the bench's gallery with it (photos, thumbnails and templates on the server are sealed, as in use). */
const galleryPassphrase = 'bench gallery passphrase'

print({ what: 'machine', cpus: os.availableParallelism(), load: os.loadavg().map((l) => Number(l.toFixed(2))) })
const server = await startTestServer({ fsync: true })
try {
  const url = await server.database('bench')
  const desks: Store[] = []
  for (let i = 0; i < deskCount; i++) {
    const dir = await folder()
    const store = await Store.open(dir, keysOf(dir))
    await store.use(await store.openShared(url, { requireServer: true, galleryPassphrase }))
    desks.push(store)
  }
  const people = []
  for (let i = 0; i < galleryPeople; i += 1000) {
    people.push(...(await desks[0]!.gallery.addTemplateBatches(Array.from({ length: 1000 }, (_, j) => ({ target: { name: `Person ${i + j}` }, templates: [template()] })))))
  }
  while (desks.some((d) => d.gallery.people().length < galleryPeople)) await sleep(20)

  // The mirror's lag: from just before desk 0's enroll call to the change reaching each other desk's search matrix.
  const lags: number[] = []
  const enrollTimes: number[] = []
  const waiting = new Map<string, number>()
  desks.slice(1).forEach((desk) =>
    desk.followGallery((change) => {
      if (change.kind !== 'added') return
      for (const id of change.rows.templateIds) {
        const started = waiting.get(id)
        if (started !== undefined) lags.push(performance.now() - started)
      }
    })
  )
  const until = performance.now() + seconds * 1000
  const enrolling = (async () => {
    for (let n = 0; performance.now() < until - enrollEvery; n++) {
      await sleep(enrollEvery)
      const templateId = randomUUID()
      const started = performance.now()
      waiting.set(templateId, started)
      await desks[0]!.gallery.addTemplateBatches([{ target: { name: `Newcomer ${n}` }, templates: [{ ...template(), templateId }] }])
      enrollTimes.push(performance.now() - started)
    }
  })()
  const writeTimes: number[] = []
  const crowd = people.slice(0, present)
  const counts = await Promise.all(desks.map((desk) => frameLoop(desk, crowd, until, writeTimes)))
  await enrolling
  await sleep(1000)
  const shared = quantiles(writeTimes)
  print({
    what: 'check-in write',
    store: 'shared (PostgreSQL)',
    desks: deskCount,
    frames_per_second: framesPerSecond,
    writes: writeTimes.length,
    logged: counts.reduce((s, c) => s + c.added, 0),
    refused_by_interval: counts.reduce((s, c) => s + c.refused, 0),
    ...shared
  })
  print({ what: 'enroll write', store: 'shared (PostgreSQL)', enrolls: enrollTimes.length, ...quantiles(enrollTimes) })
  print({ what: 'mirror lag after an enroll', desks: deskCount - 1, samples: lags.length, expected: enrollTimes.length * (deskCount - 1), ...quantiles(lags) })

  // Reference: the embedded store, one desk at the same frame rate (lowdb rewrites and fsyncs its file on each write).
  const localDir = await folder()
  const local = await Store.open(localDir, keysOf(localDir))
  const localPeople = await local.gallery.addTemplateBatches(Array.from({ length: present }, (_, i) => ({ target: { name: `Person ${i}` }, templates: [template()] })))
  const localTimes: number[] = []
  const localCounts = await frameLoop(local, localPeople, performance.now() + Math.min(seconds, 10) * 1000, localTimes)
  const embedded = quantiles(localTimes)
  print({ what: 'check-in write', store: 'embedded (reference)', desks: 1, frames_per_second: framesPerSecond, writes: localTimes.length, logged: localCounts.added, ...embedded })
  print({ what: 'check-in write ratio shared / embedded', p50: Number((shared.p50_ms / embedded.p50_ms).toFixed(2)), p99: Number((shared.p99_ms / embedded.p99_ms).toFixed(2)) })

  // A desk starting from its saved mirror and cursor, against one starting from scratch (the other desks closed, three rounds each).
  const returning = await folder()
  const first = await Store.open(returning, keysOf(returning))
  await first.use(await first.openShared(url, { requireServer: true, galleryPassphrase }))
  await first.close()
  await desks[0]!.gallery.addTemplateBatches([{ target: { name: 'One more' }, templates: [template()] }])
  for (const desk of desks) await desk.close()
  // What each start reads from the server: every row of the gallery (bytea travels as hex text), or a few change rows and one person.
  const client = new pg.Client(url)
  await client.connect()
  const [{ bytes: fullBytes, people: peopleNow }] = (await client.query<{ bytes: string; people: string }>(
    `SELECT (SELECT count(*) FROM likeness.people) AS people, (SELECT sum(octet_length(id) + octet_length(name) + 8) FROM likeness.people)
          + (SELECT sum(octet_length(id) + octet_length(person_id) + 8) FROM likeness.photos)
          + (SELECT sum(octet_length(id) + octet_length(person_id) + octet_length(photo_id) + octet_length(encoder) + 2 * octet_length(descriptor) + 2) FROM likeness.templates) AS bytes`
  )).rows as [{ bytes: string; people: string }]
  await client.end()
  print({ what: 'bytes a full read moves', people: Number(peopleNow), megabytes: Number((Number(fullBytes) / 1e6).toFixed(1)) })
  const starts: Record<'scratch' | 'cursor', number[]> = { scratch: [], cursor: [] }
  for (let round = 0; round < 3; round++) {
    for (const [from, dataDir] of [['scratch', await folder()], ['cursor', returning]] as const) {
      const store = await Store.open(dataDir, keysOf(dataDir))
      const started = performance.now()
      // A desk from scratch is given the passphrase (one scrypt, in its time); a returning one opens with the key it kept.
      const desk = await store.openShared(url, { requireServer: true, galleryPassphrase: from === 'scratch' ? galleryPassphrase : undefined })
      starts[from].push(performance.now() - started)
      if (round === 0) print({ what: 'desk start', from, people: desk.gallery.people().length, synced: desk.synced })
      await desk.close()
    }
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[1]!
  print({ what: 'desk start', scratch_ms: Number(median(starts.scratch).toFixed(1)), cursor_ms: Number(median(starts.cursor).toFixed(1)), rounds: 3, ratio_scratch_over_cursor: Number((median(starts.scratch) / median(starts.cursor)).toFixed(2)) })
} finally {
  await server.close()
}
print({ what: 'machine', load: os.loadavg().map((l) => Number(l.toFixed(2))) })
