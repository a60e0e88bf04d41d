import { mkdir, open, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { randomUUID } from 'node:crypto'

/**
 * Replaces `file` with `content` so that a crash at any moment leaves the old file or the new one,
 * never half of one, and a finished write survives a power cut: a temporary file in the same
 * folder, fsync, rename over the old, fsync the folder (the rename is durable only once the
 * folder's entry is on disk). Every file the store writes goes through here.
 */
export async function writeFileAtomic(file: string, content: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  const folder = path.dirname(file)
  await mkdir(folder, { recursive: true })
  const temporary = path.join(folder, `.${path.basename(file)}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`)
  // temporaryFileWriter below reads this name back.
  try {
    const handle = await open(temporary, 'w')
    try {
      for (const chunk of typeof content === 'string' || content instanceof Uint8Array ? [content] : content) await handle.writeFile(chunk)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(temporary, file)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
  await syncFolder(folder)
}

/** Makes a folder's entries (a rename, a new file) durable. */
export async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/**
 * The process id of the writer of a temporary file this module names, or undefined when `name`
 * is not one: a crash between writing and renaming leaves such a file, with what was being
 * written (a photo, the whole db.json) in it.
 */
export function temporaryFileWriter(name: string): number | undefined {
  const match = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/.exec(name)
  return match ? Number(match[1]) : undefined
}
