import { Low, type Adapter } from 'lowdb'
import { mkdir, readFile, rename } from 'node:fs/promises'
import path from 'node:path'
import { LikenessError } from '../../shared/errors'
import type { StoreNotice } from '../../shared/api/system'
import { currentSchemaVersion, dbSchema, emptyDb, type DbData } from './schema'
import { writeFileAtomic } from './atomicWrite'
import { checkInsWithLiveness } from './checkIns'

export const dbFileName = 'likeness.json'

/**
 * lowdb's own JSONFile renames a temporary file into place but never fsyncs, so a power cut can
 * leave an empty file behind the rename. This adapter writes the same JSON through the store's one
 * atomic, durable write. Reading goes through readChecked below, never through the adapter.
 */
class DurableJsonFile implements Adapter<DbData> {
  constructor(private readonly file: string) {}

  async read(): Promise<DbData | null> {
    throw new Error('the data file is read through readChecked')
  }

  write(data: DbData): Promise<void> {
    return writeFileAtomic(this.file, JSON.stringify(data, null, 2))
  }
}

/** Migrations by the version they upgrade from; each returns the next version's data. */
const migrations: Record<number, (data: Record<string, unknown>) => Record<string, unknown>> = { 1: checkInsWithLiveness }

/**
 * The app's metadata in one JSON file (lowdb). Every change goes through `update`, which works
 * on a copy and swaps it in only after the file is written atomically, so a failed write leaves
 * both memory and disk as they were. Only the store's table modules read or change it.
 */
export class Database {
  private constructor(
    private readonly low: Low<DbData>,
    readonly notices: StoreNotice[]
  ) {}

  static async open(dataDir: string): Promise<Database> {
    await mkdir(dataDir, { recursive: true })
    const file = path.join(dataDir, dbFileName)
    const notices: StoreNotice[] = []
    const initial = await readChecked(file, notices)
    const low = new Low<DbData>(new DurableJsonFile(file), emptyDb())
    low.data = initial
    await low.write()
    return new Database(low, notices)
  }

  get data(): Readonly<DbData> {
    return this.low.data
  }

  private queue: Promise<unknown> = Promise.resolve()

  /** Applies `change` to a copy, writes it, then makes it current; changes run one at a time. */
  update<T>(change: (draft: DbData) => T): Promise<T> {
    const run = async (): Promise<T> => {
      const previous = this.low.data
      const draft = structuredClone(previous)
      const result = change(draft)
      this.low.data = draft
      try {
        await this.low.write()
      } catch (error) {
        this.low.data = previous
        throw new LikenessError('Internal', `Could not save the data file: ${(error as Error).message}`)
      }
      return result
    }
    const next = this.queue.then(run, run)
    this.queue = next.catch(() => undefined)
    return next
  }
}

/**
 * Reads and checks the file. A corrupt or truncated file is never silently replaced: it is
 * kept aside under a new name and reported, and the app starts from an empty store.
 */
async function readChecked(file: string, notices: StoreNotice[]): Promise<DbData> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyDb()
    throw new LikenessError('StoreCorrupt', `Cannot read ${file}: ${(error as Error).message}`)
  }
  let problem: string
  try {
    const raw = JSON.parse(text) as Record<string, unknown>
    const migrated = migrate(raw, notices)
    const parsed = dbSchema.safeParse(migrated)
    if (parsed.success) return parsed.data
    problem = `it does not have the expected shape (${parsed.error.issues[0]?.path.join('.') ?? '?'}: ${parsed.error.issues[0]?.message ?? ''})`
  } catch (error) {
    if (error instanceof LikenessError) throw error
    problem = `it is not valid JSON (${(error as Error).message})`
  }
  const backupPath = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`
  await rename(file, backupPath)
  notices.push({
    kind: 'recovered-corrupt-file',
    message: `The data file was damaged: ${problem}. It was kept as ${path.basename(backupPath)} and Likeness started with an empty store.`,
    backupPath
  })
  return emptyDb()
}

function migrate(raw: Record<string, unknown>, notices: StoreNotice[]): Record<string, unknown> {
  let data = raw
  let version = typeof data.schemaVersion === 'number' ? data.schemaVersion : 0
  if (version > currentSchemaVersion) {
    throw new LikenessError(
      'StoreCorrupt',
      `The data folder was written by a newer Likeness (schema ${version}; this one reads up to ${currentSchemaVersion}). Update Likeness to open it.`
    )
  }
  const from = version
  while (version < currentSchemaVersion) {
    const step = migrations[version]
    if (!step) break
    data = step(data)
    version = typeof data.schemaVersion === 'number' ? data.schemaVersion : version + 1
  }
  if (version !== from) notices.push({ kind: 'migrated', message: `Data upgraded from schema ${from} to ${version}.` })
  return data
}
