import { readFile, readdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { temporaryFileWriter } from './atomicWrite'
import { dbFileName } from './db'
import { storeFolders } from './files'
import { isTemplateFileName } from './templateMatrix'

/** Whether a process of that id runs (kill with signal 0 asks without sending anything). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export async function namesIn(folder: string): Promise<string[]> {
  try {
    return await readdir(folder)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}

const isBackup = (name: string): boolean => name.startsWith(`${dbFileName}.corrupt-`)

/**
 * Copies of personal data the store leaves outside its tables: a damaged db.json kept aside
 * (likeness.json.corrupt-<time>, with the names and check-ins it held), a temporary file of a
 * write that a crash cut short (with the photo or db.json it was writing), a template file a
 * crash kept from being deleted. Erasing a person or the gallery erases these too.
 */
export class Residue {
  constructor(private readonly dataDir: string) {}

  /** Temporary files whose writer is no longer running; this process's own are writes in progress. */
  async removeStaleTemporaryFiles(): Promise<string[]> {
    const removed: string[] = []
    for (const folder of ['.', ...storeFolders]) {
      for (const name of await namesIn(path.join(this.dataDir, folder))) {
        const writer = temporaryFileWriter(name)
        if (writer === undefined || isRunning(writer)) continue
        await rm(path.join(this.dataDir, folder, name), { force: true })
        removed.push(path.posix.join(folder, name))
      }
    }
    return removed
  }

  /** Damaged-file backups: all of them, or those that mention `text` (a person's id). */
  async removeBackups(mentioning?: string): Promise<string[]> {
    const removed: string[] = []
    for (const name of (await namesIn(this.dataDir)).filter(isBackup)) {
      const file = path.join(this.dataDir, name)
      if (mentioning !== undefined && !(await readFile(file, 'utf8')).includes(mentioning)) continue
      await rm(file, { force: true })
      removed.push(name)
    }
    return removed
  }

  /** Template files other than the one in use: a crash between switching files and deleting the old one leaves them. */
  async removeOrphanTemplateFiles(inUse: string): Promise<string[]> {
    const orphans = (await namesIn(this.dataDir)).filter((name) => isTemplateFileName(name) && name !== inUse)
    await Promise.all(orphans.map((name) => rm(path.join(this.dataDir, name), { force: true })))
    return orphans
  }
}
