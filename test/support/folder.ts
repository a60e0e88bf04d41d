import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'

/** Every file under `dir` with the SHA-256 of its bytes: two equal snapshots mean nothing was written, renamed or deleted. */
export async function folderSnapshot(dir: string): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {}
  for (const entry of (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile())) {
    const file = path.join(entry.parentPath, entry.name)
    snapshot[path.relative(dir, file)] = createHash('sha256').update(await readFile(file)).digest('hex')
  }
  return snapshot
}

