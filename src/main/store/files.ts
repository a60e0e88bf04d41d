import { appendFile, mkdir, open, readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { LikenessError } from '../../shared/errors'
import { writeFileAtomic } from './atomicWrite'
import type { DataKey } from './crypto/dataKey'

/**
 * Folders kept in the clear: trained weights, which the engine workers read by path and which
 * hold no face (models/, embeddings/), and the audit log, which holds no biometrics and is there
 * for an auditor to read (audit/). Every other file the store writes is sealed.
 */
const plainFolders = ['models', 'embeddings', 'audit']

/** Every folder the store writes in besides the data folder itself (which, in Electron, also holds Chromium's own). */
export const storeFolders = ['photos', 'thumbnails', 'checkins', 'style', 'explore', 'admin', ...plainFolders]

/** The folders whose files are sealed. */
export const sealedFolders = storeFolders.filter((folder) => !plainFolders.includes(folder))

/**
 * Files the store owns, by name relative to the data folder; every write is atomic and durable,
 * and every file outside the plain folders is sealed under the data key (AES-256-GCM, its name as
 * associated data) on the way out and opened on the way in. Callers see plaintext only.
 */
export class StoreFiles {
  constructor(
    readonly dataDir: string,
    readonly key: DataKey
  ) {}

  resolve(relative: string): string {
    const full = path.resolve(this.dataDir, relative)
    if (!full.startsWith(path.resolve(this.dataDir) + path.sep)) throw new LikenessError('BadRequest', 'A path outside the data folder.')
    return full
  }

  /** The name a file is sealed with: relative to the data folder, forward slashes, however it was spelled. */
  private nameOf(relative: string): string {
    return path.relative(path.resolve(this.dataDir), this.resolve(relative)).split(path.sep).join('/')
  }

  isSealed(relative: string): boolean {
    return !plainFolders.includes(this.nameOf(relative).split('/')[0]!)
  }

  write(relative: string, bytes: Uint8Array): Promise<void> {
    return writeFileAtomic(this.resolve(relative), this.isSealed(relative) ? this.key.seal(bytes, this.nameOf(relative)) : bytes)
  }

  async read(relative: string): Promise<Uint8Array> {
    let bytes: Uint8Array
    try {
      bytes = new Uint8Array(await readFile(this.resolve(relative)))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new LikenessError('NotFound', 'That file is no longer in the data folder.', { file: relative })
      throw error
    }
    return this.isSealed(relative) ? this.key.open(bytes, this.nameOf(relative)) : bytes
  }

  /** Appends to a plain file and syncs it (the audit log). A torn last line is the reader's to skip. */
  async append(relative: string, text: string): Promise<void> {
    if (this.isSealed(relative)) throw new LikenessError('Internal', `${relative} is sealed; only plain files are appended to.`)
    await mkdir(path.dirname(this.resolve(relative)), { recursive: true })
    await appendFile(this.resolve(relative), text, { flag: 'a' })
    const handle = await open(this.resolve(relative), 'r')
    try {
      await handle.sync()
    } finally {
      await handle.close()
    }
  }

  async remove(relatives: readonly string[]): Promise<void> {
    await Promise.all(relatives.map((relative) => rm(this.resolve(relative), { force: true })))
  }
}
