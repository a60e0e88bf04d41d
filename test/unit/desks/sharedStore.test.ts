import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import pg from 'pg'
import { Store } from '../../../src/main/store'
import { keysOf } from '../../support/keys'
import { descriptorDimension } from '../../../src/shared/api/face'
import { demoPhoto } from '../../support/faceCrops'
import { opensslMissing, postgresMissing, skipWithoutPostgres, startTestServer, type TestServer } from '../../support/postgres'

// The shared gallery's store against a real PostgreSQL server (a private cluster for this file):
// several desks, each a Store on its own data folder, one of them a process killed with SIGKILL.
// Templates are random unit vectors: what the store keeps does not depend on what they look like.
if (postgresMissing) console.warn(skipWithoutPostgres)

const hour = 3_600_000
const rule = { interval: hour }
const deskScript = path.resolve('test/support/deskProcess.ts')
/** Every gallery here is sealed by the first desk that joins it with this, and opened with it by the rest. */
const galleryPassphrase = 'correct horse battery'

function unitVector(): Float32Array {
  const v = Float32Array.from({ length: descriptorDimension }, () => Math.random() * 2 - 1)
  const norm = Math.hypot(...v)
  return v.map((x) => x / norm)
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const start = performance.now()
  while (!(await condition())) {
    if (performance.now() - start > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return performance.now() - start
}

interface ChildDesk {
  lines: Record<string, unknown>[]
  /** Resolves with the line that satisfies `test`. */
  waitFor(test: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>
  exited: Promise<number | null>
  kill(): void
}

function childDesk(order: Record<string, unknown>): ChildDesk {
  const child = spawn(process.execPath, ['--import', 'tsx', deskScript, JSON.stringify(order)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const lines: Record<string, unknown>[] = []
  const waiting: { test: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }[] = []
  createInterface({ input: child.stdout }).on('line', (text) => {
    const line = JSON.parse(text) as Record<string, unknown>
    lines.push(line)
    for (const w of waiting.filter((w) => w.test(line))) {
      waiting.splice(waiting.indexOf(w), 1)
      w.resolve(line)
    }
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return {
    lines,
    exited,
    waitFor: (test) => {
      const seen = lines.find(test)
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiting.push({ test, resolve }))
    },
    kill: () => child.kill('SIGKILL')
  }
}

describe.skipIf(postgresMissing)('a shared gallery on a real PostgreSQL server', () => {
  let server: TestServer
  let photo: Uint8Array
  const opened: Store[] = []

  beforeAll(async () => {
    server = await startTestServer({ fsync: false, tls: true })
    photo = await demoPhoto(1)
  })
  afterAll(async () => {
    for (const store of opened) await store.close()
    await server?.close()
  })

  const folder = (): Promise<string> => mkdtemp(path.join(os.tmpdir(), 'likeness-desk-'))
  async function desk(url: string, dataDir?: string): Promise<Store> {
    const dir = dataDir ?? (await folder())
    const store = await Store.open(dir, keysOf(dir))
    await store.use(await store.openShared(url, { galleryPassphrase }))
    opened.push(store)
    return store
  }
  async function close(store: Store): Promise<void> {
    await store.close()
    opened.splice(opened.indexOf(store), 1)
  }
  const enroll = (store: Store, names: string[]) =>
    store.gallery.addTemplateBatches(names.map((name) => ({ target: { name }, templates: [{ descriptor: unitVector(), photo, thumbnail: photo }] })))
  const logOf = async (store: Store) => store.checkIns.inSpan(0, Number.MAX_SAFE_INTEGER)

  it('keeps every desk’s mirror equal to the server, and a restarted desk reads only the changes after its cursor', async () => {
    const url = await server.database('cursor')
    const a = await desk(url)
    const bFolder = await folder()
    let b = await desk(url, bFolder)
    const people = await enroll(a, ['Ada', 'Bob', 'Cy', 'Di', 'Ed'])
    await until(() => b.gallery.people().length === 5, 1000, 'B mirrors five people')

    await close(b)
    await a.gallery.forget(people[1]!.id)
    await enroll(a, ['Flo'])
    await enroll(a, ['Gus'])
    await a.gallery.rename(people[0]!.id, 'Ada L.')
    b = await desk(url, bFolder)
    expect(b.shared!.synced).toEqual({ full: 0, changes: 4 })
    expect(b.gallery.people().map((p) => p.name).sort()).toEqual(['Ada L.', 'Cy', 'Di', 'Ed', 'Flo', 'Gus'])
    const [rowsA, rowsB] = await Promise.all([a.gallery.load([]), b.gallery.load([])])
    const byId = (rows: typeof rowsA) => new Map(rows.templateIds.map((id, i) => [id, [...rows.descriptors.subarray(i * descriptorDimension, (i + 1) * descriptorDimension)]]))
    expect(byId(rowsB)).toEqual(byId(rowsA))

    // A desk that never saw this gallery reads it whole.
    const c = await desk(url)
    expect(c.shared!.synced.full).toBe(1)
    expect(c.gallery.people()).toHaveLength(6)
  })

  it.skipIf(opensslMissing)('passes TLS options through: verify-full against the server’s CA is encrypted, another CA is refused', async () => {
    const url = await server.database('tls')
    const { ca, otherCa } = server.certificates!
    const tls = await desk(`${url}?sslmode=verify-full&sslrootcert=${encodeURIComponent(ca)}`)
    await enroll(tls, ['Ada'])
    const admin = new pg.Client(url)
    await admin.connect()
    const { rows } = await admin.query<{ ssl: boolean }>('SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.datname = $1 AND a.pid <> pg_backend_pid()', ['tls'])
    await admin.end()
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.every((r) => r.ssl)).toBe(true)
    const dir = await folder()
    const store = await Store.open(dir, keysOf(dir))
    await expect(store.openShared(`${url}?sslmode=verify-full&sslrootcert=${encodeURIComponent(otherCa)}`, { requireServer: true, galleryPassphrase })).rejects.toMatchObject({
      kind: 'Offline',
      message: expect.stringMatching(/certificate/)
    })
  })

  it('logs one check-in when three desks see the same person at the same moment, for every person', async () => {
    const url = await server.database('together')
    const desks = [await desk(url), await desk(url), await desk(url)]
    const people = await enroll(desks[0]!, Array.from({ length: 30 }, (_, i) => `Person ${i}`))
    await until(() => desks.every((d) => d.gallery.people().length === 30), 2000, 'every desk mirrors thirty people')
    const at = Date.now()
    const outcomes = await Promise.all(
      people.flatMap((person) =>
        desks.map((d, i) => d.checkIns.add({ id: randomUUID(), personId: person.id, personName: person.name, at: at + i, distance: 0.2, thumbnail: photo }, rule))
      )
    )
    const log = await logOf(desks[1]!)
    expect(log).toHaveLength(30)
    expect(new Set(log.map((c) => c.personId)).size).toBe(30)
    expect(outcomes.filter((o) => o !== null)).toHaveLength(30)
    expect(log.every((c) => c.hasThumbnail)).toBe(true)
  })

  it('offline: keeps the mirror, refuses what needs the server with Offline, holds the rule across desks and logs a check-in the server already has once', async () => {
    const url = await server.database('offline')
    const aFolder = await folder()
    let a = await desk(url, aFolder)
    const b = await desk(url)
    const [ada, bob] = await enroll(a, ['Ada', 'Bob'])
    await until(() => b.gallery.people().length === 2, 1000, 'B mirrors two people')
    const t = Date.now()

    await server.stop()
    await until(() => !a.shared!.online && !b.shared!.online, 5000, 'both desks notice the server is gone')
    expect(a.gallery.people().map((p) => p.name).sort()).toEqual(['Ada', 'Bob'])
    expect((await a.gallery.load([])).templateIds).toHaveLength(2)
    await expect(enroll(a, ['Cy'])).rejects.toMatchObject({ kind: 'Offline' })
    await expect(a.gallery.forget(ada!.id)).rejects.toMatchObject({ kind: 'Offline' })
    await expect(logOf(a)).rejects.toMatchObject({ kind: 'Offline' })
    // Ada at A, then at B a minute later: both desks log her (neither can know), the server keeps the first it hears of.
    expect(await a.checkIns.add({ id: randomUUID(), personId: ada!.id, personName: 'Ada', at: t, distance: 0.2 }, rule)).not.toBeNull()
    expect(await b.checkIns.add({ id: randomUUID(), personId: ada!.id, personName: 'Ada', at: t + 60_000, distance: 0.2 }, rule)).not.toBeNull()
    // Within the interval at one desk: that desk knows.
    expect(await a.checkIns.add({ id: randomUUID(), personId: ada!.id, personName: 'Ada', at: t + 1000, distance: 0.2 }, rule)).toBeNull()
    // Bob's check-in waits at A, which is closed before the server is back.
    const bobs = { id: randomUUID(), personId: bob!.id, personName: 'Bob', at: t, distance: 0.25, liveness: { mode: 'blink' as const, blinkSeenAt: t - 400, antispoof: 0.71, liveness: 0.98, moire: 4.2, expression: 0.03 } }
    expect(await a.checkIns.add(bobs, rule)).not.toBeNull()
    expect(a.shared!.currentStatus()).toMatchObject({ online: false, queued: 2 })
    await close(a)

    await server.start()
    await until(() => b.shared!.currentStatus().queued === 0, 10_000, 'B flushes its queue')
    // As if A had sent Bob's check-in and been killed before marking it sent.
    const client = new pg.Client(url)
    await client.connect()
    await client.query('SELECT likeness.check_in($1, $2, $3, $4, $5, $6, $7, $8, $9)', [bobs.id, bobs.personId, bobs.personName, bobs.at, bobs.distance, 'test', null, rule.interval, JSON.stringify(bobs.liveness)])
    await client.end()
    a = await desk(url, aFolder)
    await until(() => a.shared!.currentStatus().queued === 0, 10_000, 'A flushes its queue')
    const log = await logOf(a)
    expect(log.filter((c) => c.personId === ada!.id)).toHaveLength(1)
    expect(log.filter((c) => c.id === bobs.id)).toHaveLength(1)
    expect(log).toHaveLength(2)
    // the evidence a check-in was let in on is kept with it, through the queue and the server
    expect(log.find((c) => c.id === bobs.id)!.liveness).toEqual(bobs.liveness)
    expect(log.find((c) => c.personId === ada!.id)!.liveness).toBeNull()
  })

  it('server stopped 30 s while two desks make 200 check-ins, one desk killed −9 in the middle of its flush: every check-in is logged exactly once', async () => {
    const url = await server.database('outage')
    const a = await desk(url)
    const names = Array.from({ length: 20 }, (_, i) => `P${String(i).padStart(2, '0')}`)
    await enroll(a, names)
    const bFolder = await folder()
    const join = childDesk({ dataDir: bFolder, url, mode: 'join', galleryPassphrase })
    expect(await join.waitFor((l) => 'joined' in l)).toEqual({ joined: true, people: 20 })
    expect(await join.exited).toBe(0)

    // Each person's check-ins are two hours apart: the one-hour rule holds them all, and only a duplicate could be refused.
    const firstAt = Date.now() - 30 * 24 * hour
    const order = { firstAt, spacingMs: 2 * hour, intervalMs: hour, count: 10, gapMs: 200 }
    await server.stop()
    const stoppedAt = performance.now()
    const b = childDesk({ ...order, dataDir: bFolder, url, mode: 'make', names: names.slice(10) })
    const madeAtA: string[] = []
    for (let round = 0; round < order.count; round++) {
      for (const person of names.slice(0, 10).map((n) => a.gallery.personByName(n)!)) {
        const checkIn = { id: randomUUID(), personId: person.id, personName: person.name, at: firstAt + round * order.spacingMs, distance: 0.2 }
        expect(await a.checkIns.add(checkIn, rule)).not.toBeNull()
        madeAtA.push(checkIn.id)
        await new Promise((resolve) => setTimeout(resolve, order.gapMs))
      }
    }
    expect(await b.exited).toBe(0)
    const madeAtB = b.lines.filter((l) => 'made' in l).map((l) => l.made as string)
    expect(madeAtB).toHaveLength(100)
    expect(b.lines.every((l) => !('logged' in l) || l.logged === true)).toBe(true)
    expect(a.shared!.currentStatus()).toMatchObject({ online: false, queued: 100 })
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 30_000 - (performance.now() - stoppedAt))))

    await server.start()
    const killed = childDesk({ dataDir: bFolder, url, mode: 'flush' })
    const partway = await killed.waitFor((l) => typeof l.queued === 'number' && l.queued < 100)
    killed.kill()
    expect(await killed.exited).toBeNull()
    await until(() => a.shared!.currentStatus().queued === 0, 20_000, 'A flushes its hundred')
    const countOf = async (ids: string[]) => (await logOf(a)).filter((c) => ids.includes(c.id)).length
    const sentBeforeKill = await countOf(madeAtB)
    expect(partway.queued).toBeGreaterThan(0)
    expect(sentBeforeKill).toBeGreaterThan(0)
    expect(sentBeforeKill).toBeLessThan(100)

    const again = childDesk({ dataDir: bFolder, url, mode: 'flush' })
    expect(await again.exited).toBe(0)
    const log = await logOf(a)
    expect(log).toHaveLength(200)
    expect(new Set(log.map((c) => c.id))).toEqual(new Set([...madeAtA, ...madeAtB]))
    expect(new Set(log.map((c) => `${c.personId}@${c.at}`)).size).toBe(200)
  })
})
