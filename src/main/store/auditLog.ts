import { createHash } from 'node:crypto'
import { z } from 'zod'
import { auditActions, type AuditEntry, type AuditLogView } from '../../shared/api/privacy'
import { LikenessError } from '../../shared/errors'
import type { StoreFiles } from './files'

const logFile = 'audit/audit.jsonl'
const genesis = '0'.repeat(64)

const entrySchema = z
  .object({
    seq: z.number().int().min(1),
    at: z.number(),
    action: z.enum(auditActions),
    by: z.enum(['electron', 'browser', 'cli', 'service']),
    personId: z.string().optional(),
    detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    previous: z.string(),
    hash: z.string()
  })
  .strict()

export type NewAuditEntry = Pick<AuditEntry, 'action' | 'by' | 'personId'> & { detail?: AuditEntry['detail'] }

/** hash = SHA-256(previous hash | the line without its hash): each line vouches for all before it. */
function hashOf(entry: Omit<AuditEntry, 'hash'>): string {
  const { seq, at, action, by, personId, detail, previous } = entry
  return createHash('sha256').update(previous).update(JSON.stringify({ seq, at, action, by, personId, detail })).digest('hex')
}

/**
 * The audit log: who did what to the biometric data, one JSON line per action, appended and
 * synced, hash-chained. The one writer of audit/. It holds ids, counts and setting values, never a
 * name, a face or a template (so it is plain, for an auditor to read, and survives an erasure). A
 * line cut by a crash is skipped on reading and never chained to.
 */
export class AuditLog {
  private last: Promise<{ seq: number; hash: string; endsWithNewline: boolean }> | undefined
  private queue: Promise<unknown> = Promise.resolve()

  constructor(private readonly files: StoreFiles) {}

  append(entry: NewAuditEntry): Promise<AuditEntry> {
    const run = async (): Promise<AuditEntry> => {
      this.last ??= this.readTail()
      const last = await this.last
      const line: Omit<AuditEntry, 'hash'> = { seq: last.seq + 1, at: Date.now(), action: entry.action, by: entry.by, personId: entry.personId, detail: entry.detail ?? {}, previous: last.hash }
      const written: AuditEntry = { ...line, hash: hashOf(line) }
      // A torn last line has no newline: start on a fresh one, so the new line stays whole.
      await this.files.append(logFile, `${last.endsWithNewline ? '' : '\n'}${JSON.stringify(written)}\n`)
      this.last = Promise.resolve({ seq: written.seq, hash: written.hash, endsWithNewline: true })
      return written
    }
    const next = this.queue.then(run, run)
    // A failed append leaves the file as it may be: read the tail again next time.
    this.queue = next.catch(() => (this.last = undefined))
    return next
  }

  /** Every whole line, oldest first, and whether the chain holds from the first to the last. */
  async read(): Promise<AuditLogView> {
    const { entries, intact } = await this.parse()
    return { entries, intact }
  }

  private async readTail(): Promise<{ seq: number; hash: string; endsWithNewline: boolean }> {
    const { entries, endsWithNewline } = await this.parse()
    const last = entries.at(-1)
    return { seq: last?.seq ?? 0, hash: last?.hash ?? genesis, endsWithNewline }
  }

  private async parse(): Promise<{ entries: AuditEntry[]; intact: boolean; endsWithNewline: boolean }> {
    let text: string
    try {
      text = new TextDecoder().decode(await this.files.read(logFile))
    } catch (error) {
      if (error instanceof LikenessError && error.kind === 'NotFound') return { entries: [], intact: true, endsWithNewline: true }
      throw error
    }
    const entries: AuditEntry[] = []
    let intact = true
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue
      let parsed: AuditEntry
      try {
        parsed = entrySchema.parse(JSON.parse(line))
      } catch {
        // A line a crash cut short; anything else unreadable breaks the chain below.
        continue
      }
      const { hash, ...rest } = parsed
      if (parsed.previous !== (entries.at(-1)?.hash ?? genesis) || hashOf(rest) !== hash) intact = false
      entries.push(parsed)
    }
    return { entries, intact, endsWithNewline: text.length === 0 || text.endsWith('\n') }
  }
}
