import { describe, expect, it } from 'vitest'
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Database, dbFileName } from '../../../src/main/store/db'
import { currentSchemaVersion } from '../../../src/main/store/schema'

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'likeness-db-'))
}

describe('Database', () => {
  it('creates the file with the current schema and reloads what was saved', async () => {
    const dir = await tempDir()
    const db = await Database.open(dir)
    await db.update((draft) => {
      draft.settings.tau = 0.5
      draft.people.push({ id: 'p1', name: 'Ada', createdAt: 1 })
    })
    const again = await Database.open(dir)
    expect(again.data.schemaVersion).toBe(currentSchemaVersion)
    expect(again.data.settings.tau).toBe(0.5)
    expect(again.data.people.map((p) => p.name)).toEqual(['Ada'])
    expect(again.notices).toEqual([])
  })

  it('opens a folder saved before the language setting: the window follows the system', async () => {
    const dir = await tempDir()
    const db = await Database.open(dir)
    const file = path.join(dir, dbFileName)
    const saved = JSON.parse(await readFile(file, 'utf8')) as { settings: Record<string, unknown> }
    delete saved.settings.language
    await writeFile(file, JSON.stringify(saved))
    const again = await Database.open(dir)
    expect(again.notices).toEqual([])
    expect(again.data.settings).toMatchObject({ tau: db.data.settings.tau, language: 'system' })
  })

  it('upgrades a schema-1 folder: its check-ins keep no liveness evidence, the desk asks for a blink', async () => {
    const dir = await tempDir()
    await Database.open(dir)
    const file = path.join(dir, dbFileName)
    const saved = JSON.parse(await readFile(file, 'utf8')) as { schemaVersion: number; settings: Record<string, unknown>; checkIns: unknown[] }
    saved.schemaVersion = 1
    delete saved.settings.liveness
    delete saved.settings.passiveThresholds
    saved.checkIns = [{ id: 'c1', personId: 'p1', personName: 'Ada', at: 5, distance: 0.2, thumbnail: null }]
    await writeFile(file, JSON.stringify(saved))
    const again = await Database.open(dir)
    expect(again.notices).toEqual([expect.objectContaining({ kind: 'migrated', message: 'Data upgraded from schema 1 to 2.' })])
    expect(again.data.checkIns).toEqual([{ id: 'c1', personId: 'p1', personName: 'Ada', at: 5, distance: 0.2, thumbnail: null, liveness: null }])
    expect(again.data.settings).toMatchObject({ liveness: 'blink', passiveThresholds: { antispoof: 0.5, liveness: 0.5 } })
  })

  it("reads a check-in logged before the moiré and the mouth's change were kept: both are null", async () => {
    const dir = await tempDir()
    await Database.open(dir)
    const file = path.join(dir, dbFileName)
    const saved = JSON.parse(await readFile(file, 'utf8')) as { checkIns: unknown[] }
    const evidence = { mode: 'blink', blinkSeenAt: 3, antispoof: 0.7, liveness: 0.9 }
    saved.checkIns = [{ id: 'c1', personId: 'p1', personName: 'Ada', at: 5, distance: 0.2, thumbnail: null, liveness: evidence }]
    await writeFile(file, JSON.stringify(saved))
    const again = await Database.open(dir)
    expect(again.notices).toEqual([])
    expect(again.data.checkIns[0].liveness).toEqual({ ...evidence, moire: null, expression: null })
  })

  it('keeps a truncated file aside, reports it, and starts empty', async () => {
    const dir = await tempDir()
    const db = await Database.open(dir)
    await db.update((draft) => draft.people.push({ id: 'p1', name: 'Ada', createdAt: 1 }))
    const file = path.join(dir, dbFileName)
    const text = await readFile(file, 'utf8')
    await writeFile(file, text.slice(0, text.length / 2))

    const reopened = await Database.open(dir)
    expect(reopened.data.people).toEqual([])
    expect(reopened.notices).toHaveLength(1)
    expect(reopened.notices[0]!.kind).toBe('recovered-corrupt-file')
    const backup = reopened.notices[0]!.backupPath!
    expect(await readFile(backup, 'utf8')).toBe(text.slice(0, text.length / 2))
    expect((await readdir(dir)).filter((f) => f.includes('.corrupt-'))).toHaveLength(1)
  })

  it('treats a file of the wrong shape as corrupt rather than trusting it', async () => {
    const dir = await tempDir()
    await writeFile(path.join(dir, dbFileName), JSON.stringify({ schemaVersion: currentSchemaVersion, people: 'nobody' }))
    const db = await Database.open(dir)
    expect(db.notices[0]?.message).toMatch(/expected shape/)
  })

  it('refuses a data folder written by a newer schema and leaves it untouched', async () => {
    const dir = await tempDir()
    const future = JSON.stringify({ schemaVersion: currentSchemaVersion + 1 })
    await writeFile(path.join(dir, dbFileName), future)
    await expect(Database.open(dir)).rejects.toMatchObject({ kind: 'StoreCorrupt' })
    expect(await readFile(path.join(dir, dbFileName), 'utf8')).toBe(future)
  })

  it('rolls back memory when a change throws, and serialises concurrent changes', async () => {
    const dir = await tempDir()
    const db = await Database.open(dir)
    await expect(
      db.update((draft) => {
        draft.settings.tau = 1.5
        throw new Error('half-way failure')
      })
    ).rejects.toThrow('half-way failure')
    expect(db.data.settings.tau).not.toBe(1.5)
    await Promise.all(Array.from({ length: 20 }, (_, i) => db.update((draft) => draft.people.push({ id: `p${i}`, name: `n${i}`, createdAt: i }))))
    expect(db.data.people).toHaveLength(20)
    expect((await Database.open(dir)).data.people).toHaveLength(20)
  })
})
