import { randomUUID } from 'node:crypto'
import { mkdtemp, readdir } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { Store } from '../../../src/main/store'
import { CheckInRetention } from '../../../src/main/service/retention'
import { demoPhoto } from '../../support/faceCrops'
import { keysOf } from '../../support/keys'

const day = 24 * 60 * 60 * 1000

describe('check-in retention', () => {
  it('deletes exactly the check-ins older than N days, with their pictures, and reports what went', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'likeness-retention-'))
    const store = await Store.open(dataDir, keysOf(dataDir))
    expect(store.settings.get().checkInRetentionDays).toBe(30)
    await store.settings.update({ checkInRetentionDays: 7 })
    const now = Date.UTC(2025, 5, 1, 12)
    const picture = await demoPhoto(2)
    // Ages in ms: older than 7 days by 1 ms and by a year; exactly 7 days; younger by 1 ms; today.
    const ages = { ancient: 365 * day, justOver: 7 * day + 1, exactly: 7 * day, justUnder: 7 * day - 1, today: 0 }
    const ids: Record<string, string> = {}
    for (const [name, age] of Object.entries(ages)) {
      ids[name] = randomUUID()
      await store.checkIns.add({ id: ids[name]!, personId: 'p', personName: 'Ada', at: now - age, distance: 0.2, thumbnail: picture }, { interval: 0 })
    }
    const runs: unknown[] = []
    const retention = new CheckInRetention(store, async (outcome) => void runs.push(outcome))
    expect(await retention.run(now)).toBe(2)
    expect((await store.checkIns.inSpan(0, Number.MAX_SAFE_INTEGER)).map((c) => c.id).sort()).toEqual([ids.exactly, ids.justUnder, ids.today].sort())
    expect((await readdir(path.join(dataDir, 'checkins'))).sort()).toEqual([ids.exactly, ids.justUnder, ids.today].map((id) => `${id}.jpg`).sort())
    expect(runs).toEqual([{ removed: 2, cutoff: now - 7 * day }])
    expect(await retention.run(now)).toBe(0)
    expect(runs).toHaveLength(1)
  })
})
