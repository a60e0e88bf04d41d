import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { LikenessError } from '../../shared/errors'

/**
 * Files the store owns, by name relative to the data folder. Written to a temporary name,
 * flushed, then renamed: a reader sees the old file or the new one, never half of one.
 */
export class StoreFiles {
  constructor(readonly dataDir: string) {}

  resolve(relative: string): string {
    const full = path.resolve(this.dataDir, relative)
    if (!full.startsWith(path.resolve(this.dataDir) + path.sep)) throw new LikenessError('BadRequest', 'A path outside the data folder.')
    return full
  }

  async write(relative: string, bytes: Uint8Array): Promise<void> {
    const file = this.resolve(relative)
    await mkdir(path.dirname(file), { recursive: true })
    const temporary = `${file}.${process.pid}.tmp`
    try {
      const handle = await open(temporary, 'w')
      try {
        await handle.writeFile(bytes)
        await handle.sync()
      } finally {
        await handle.close()
      }
      await rename(temporary, file)
    } catch (error) {
      await rm(temporary, { force: true })
      throw error
    }
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
