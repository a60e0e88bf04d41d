import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { Store } from '../../../src/main/store'
import { keysOf } from '../../support/keys'

describe('the audit log', () => {
  it('chains its lines: one edited line breaks the chain; a line cut by a crash is skipped and not chained to', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'likeness-audit-'))
    const store = await Store.open(dataDir, keysOf(dataDir))
    await store.audit.append({ action: 'enroll', by: 'cli', personId: 'p1', detail: { templates: 1 } })
    await store.audit.append({ action: 'settings', by: 'browser', detail: { tau: 0.3 } })
    const file = path.join(dataDir, 'audit', 'audit.jsonl')
    await appendFile(file, '{"seq": 3, "at": 1, "act')

    const reopened = await Store.open(dataDir, keysOf(dataDir))
    await reopened.audit.append({ action: 'forget', by: 'cli', personId: 'p1' })
    const log = await reopened.audit.read()
    expect(log.intact).toBe(true)
    expect(log.entries.map((e) => [e.seq, e.action])).toEqual([[1, 'enroll'], [2, 'settings'], [3, 'forget']])

    const text = await readFile(file, 'utf8')
    await writeFile(file, text.replace('"tau":0.3', '"tau":0.9'))
    expect((await reopened.audit.read()).intact).toBe(false)
  })
})
