import { readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { LikenessError } from '../../shared/errors'
import { writeFileAtomic } from './atomicWrite'

/** Files the store owns, by name relative to the data folder; every write is atomic and durable. */
export class StoreFiles {
  constructor(readonly dataDir: string) {}

  resolve(relative: string): string {
    const full = path.resolve(this.dataDir, relative)
    if (!full.startsWith(path.resolve(this.dataDir) + path.sep)) throw new LikenessError('BadRequest', 'A path outside the data folder.')
    return full
  }

  write(relative: string, bytes: Uint8Array): Promise<void> {
    return writeFileAtomic(this.resolve(relative), bytes)
  }

  async read(relative: string): Promise<Uint8Array> {
    try {
      return new Uint8Array(await readFile(this.resolve(relative)))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new LikenessError('NotFound', 'That file is no longer in the data folder.', { file: relative })
      throw error
    }
  }

  async remove(relatives: readonly string[]): Promise<void> {
    await Promise.all(relatives.map((relative) => rm(this.resolve(relative), { force: true })))
  }
}
