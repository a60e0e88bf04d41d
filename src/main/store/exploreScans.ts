import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { LikenessError } from '../../shared/errors'
import { networkIds, type NetworkId } from '../../shared/networks'
import type { GalleryDependent } from './cascade'
import type { Database } from './db'
import type { StoreFiles } from './files'
import type { DbData, ExploreScanRecord } from './schema'

/** The setKey of a layer-explorer scan of the gallery's own photos. */
export const galleryScanKey = 'gallery'

/** Where one image of a scanned set lives: a photo file the store owns, or a path on disk. */
const imageRefSchema = z.object({
  name: z.string(),
  store: z.string().optional(),
  path: z.string().optional()
})
export type ImageRef = z.infer<typeof imageRefSchema>

/** A stored scan as written under the data folder; read back through this schema (a file is untrusted). */
const scanFileSchema = z.object({
  network: z.enum(networkIds),
  layer: z.string(),
  field: z.object({ height: z.number(), width: z.number(), stride: z.number(), global: z.boolean() }),
  images: z.array(imageRefSchema),
  seconds: z.number(),
  scan: z.object({
    layer: z.string(),
    perUnit: z.number().int(),
    images: z.number().int(),
    units: z.array(z.array(z.object({ imageIndex: z.number().int(), y: z.number().int(), x: z.number().int(), value: z.number() })))
  })
})
export type ScanFile = z.infer<typeof scanFileSchema>

/** Which scan: the same network, layer and image set share one, replaced when the set changes. */
export interface ScanKey {
  network: NetworkId
  layer: string
  setKey: string
}

const sameScan = (a: ScanKey) => (b: { network: string; layer: string; setKey: string }) => a.network === b.network && a.layer === b.layer && a.setKey === b.setKey

/**
 * The layer explorer's stored top-patch scans: the one writer of db.exploreScans and their files.
 * A scan of the gallery names its people and points into their photos, so it goes whenever a
 * photo it was made from goes.
 */
export class ExploreScanStore implements GalleryDependent {
  // Parsed files, by scan id: a page of unit grids reads the same scan again and again.
  private readonly parsed = new Map<string, ScanFile>()

  constructor(
    private readonly db: Database,
    private readonly files: StoreFiles
  ) {}

  /** The stored scan of this set, if its images still hash the same. */
  find(key: ScanKey, setHash: string): ExploreScanRecord | undefined {
    return this.db.data.exploreScans.find((record) => sameScan(key)(record) && record.setHash === setHash)
  }

  /** Which image set a scan was made of (galleryScanKey for the gallery's photos), if there is such a scan. */
  setKeyOf(scanId: string): string | undefined {
    return this.db.data.exploreScans.find((record) => record.id === scanId)?.setKey
  }

  /** The scan itself; the record is checked first, so a scan the gallery took with it is gone even if cached. */
  async read(scanId: string): Promise<ScanFile> {
    const record = this.db.data.exploreScans.find((candidate) => candidate.id === scanId)
    if (!record) {
      this.parsed.delete(scanId)
      throw new LikenessError('NotFound', 'There is no such scan; run it again.', { scanId })
    }
    const known = this.parsed.get(scanId)
    if (known) return known
    let json: unknown
    try {
      json = JSON.parse(new TextDecoder().decode(await this.files.read(record.file)))
    } catch (error) {
      if (error instanceof LikenessError) throw error
      json = undefined
    }
    const parsed = scanFileSchema.safeParse(json)
    if (!parsed.success) throw new LikenessError('StoreCorrupt', 'A stored scan is damaged; run it again.', { scanId })
    this.parsed.set(scanId, parsed.data)
    return parsed.data
  }

  /** Stores a new scan of a set, replacing the one it had (the set changed, or was never scanned). */
  async save(key: ScanKey, setHash: string, scan: ScanFile): Promise<string> {
    const id = randomUUID()
    const file = `explore/${id}.json`
    await this.files.write(file, new TextEncoder().encode(JSON.stringify(scan)))
    const stale = this.db.data.exploreScans.filter(sameScan(key))
    try {
      await this.db.update((draft) => {
        draft.exploreScans = draft.exploreScans.filter((record) => !sameScan(key)(record))
        draft.exploreScans.push({ id, ...key, setHash, file, createdAt: Date.now() })
      })
    } catch (error) {
      await this.files.remove([file])
      throw error
    }
    await this.files.remove(stale.map((record) => record.file))
    for (const record of stale) this.parsed.delete(record.id)
    this.parsed.set(id, scan)
    return id
  }

  personForgotten(draft: DbData): string[] {
    return this.dropGalleryScans(draft)
  }

  photoRemoved(draft: DbData): string[] {
    return this.dropGalleryScans(draft)
  }

  galleryWiped(draft: DbData): string[] {
    return this.dropGalleryScans(draft)
  }

  private dropGalleryScans(draft: DbData): string[] {
    const doomed = draft.exploreScans.filter((scan) => scan.setKey === galleryScanKey)
    draft.exploreScans = draft.exploreScans.filter((scan) => scan.setKey !== galleryScanKey)
    for (const scan of doomed) this.parsed.delete(scan.id)
    return doomed.map((scan) => scan.file)
  }
}
