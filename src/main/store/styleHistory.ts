import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { LikenessError } from '../../shared/errors'
import { styleOptionsSchema, type LossPoint, type StyleOptions, type StyleResultDetail, type StyleResultSummary } from '../../shared/api/style'
import { styleNetworks } from '../../shared/networks'
import type { Database } from './db'
import type { StoreFiles } from './files'
import type { StyleResultRecord } from './schema'

const losses = { content: z.number(), style: z.number(), tv: z.number(), total: z.number() }

/**
 * Options the studio gained after a result may have been saved, at the values that describe how
 * such a result was made (raw pixels, no palette step, no chroma smoothing, no Laplacian term; its scales' iterations
 * matter only for display, since Resume runs one scale). Without them an older result would not
 * parse and would vanish from the history.
 */
const optionsBefore: Partial<StyleOptions> = { paletteMatch: 'none', parameterisation: 'pixels', chromaSmoothing: 0, chromaBlur: 0, laplacianWeight: 0, fineShare: 1 }

/**
 * What a style result's `params` hold in db.json. Read back through this schema: a file on disk
 * is untrusted, and a record that does not parse is reported, not half-shown.
 */
const storedRun = z.object({
  jobId: z.string(),
  network: z.enum(styleNetworks),
  options: z.preprocess((stored) => (typeof stored === 'object' && stored !== null ? { ...optionsBefore, ...stored } : stored), styleOptionsSchema),
  width: z.number().int(),
  height: z.number().int(),
  iterations: z.number().int(),
  complete: z.boolean(),
  resumedFrom: z.string().optional(),
  seconds: z.number(),
  losses: z.object(losses),
  history: z.array(z.object({ iteration: z.number().int(), ...losses })),
  /** PNGs relative to the data folder: the inputs as the run used them, kept for Resume. */
  contentFile: z.string(),
  styles: z.array(z.object({ file: z.string(), weight: z.number() }))
})

type StoredRun = z.infer<typeof storedRun>

export interface NewStyleResult {
  jobId: string
  network: StyleResultSummary['network']
  options: StyleOptions
  resumedFrom?: string
  seconds: number
  complete: boolean
  history: LossPoint[]
  image: { png: Uint8Array; width: number; height: number }
  content: Uint8Array
  styles: { png: Uint8Array; weight: number }[]
}

/** The studio's saved results: a PNG per result and its inputs under style/, parameters in db.json. */
export class StyleHistory {
  constructor(
    private readonly db: Database,
    private readonly files: StoreFiles
  ) {}

  async save(result: NewStyleResult): Promise<StyleResultSummary> {
    const id = randomUUID()
    const file = `style/${id}.png`
    const contentFile = `style/${id}-content.png`
    const styles = result.styles.map((s, i) => ({ file: `style/${id}-style-${i}.png`, weight: s.weight }))
    await this.files.write(file, result.image.png)
    await this.files.write(contentFile, result.content)
    for (const [i, style] of result.styles.entries()) await this.files.write(styles[i]!.file, style.png)
    const last = result.history.at(-1)
    const params: StoredRun = {
      jobId: result.jobId,
      network: result.network,
      options: result.options,
      width: result.image.width,
      height: result.image.height,
      iterations: last?.iteration ?? 0,
      complete: result.complete,
      resumedFrom: result.resumedFrom,
      seconds: result.seconds,
      losses: last ? { content: last.content, style: last.style, tv: last.tv, total: last.total } : { content: 0, style: 0, tv: 0, total: 0 },
      history: result.history,
      contentFile,
      styles
    }
    const record: StyleResultRecord = { id, createdAt: Date.now(), file, params }
    await this.db.update((draft) => {
      draft.styleResults.push(record)
    })
    return summaryOf(record, params)
  }

  /** Newest first. Records that no longer parse are left out of the list rather than failing it. */
  list(): StyleResultSummary[] {
    return this.db.data.styleResults
      .flatMap((record) => {
        const parsed = storedRun.safeParse(record.params)
        return parsed.success ? [summaryOf(record, parsed.data)] : []
      })
      .sort((a, b) => b.createdAt - a.createdAt)
  }

  async detail(resultId: string): Promise<StyleResultDetail> {
    const { record, run } = this.find(resultId)
    return {
      summary: summaryOf(record, run),
      image: await this.files.read(record.file),
      content: await this.files.read(run.contentFile),
      styles: await Promise.all(run.styles.map(async (s) => ({ image: await this.files.read(s.file), weight: s.weight }))),
      options: run.options,
      history: run.history
    }
  }

  /**
   * The result's thumbnail: made by `make` from the result's PNG the first time it is asked for
   * (results saved before thumbnails existed included), then read from its file.
   */
  async thumbnail(resultId: string, make: (png: Uint8Array) => Promise<Uint8Array>): Promise<Uint8Array> {
    const { record } = this.find(resultId)
    const file = thumbnailFile(record.id)
    try {
      return await this.files.read(file)
    } catch (error) {
      if (!(error instanceof LikenessError && error.kind === 'NotFound')) throw error
    }
    const thumbnail = await make(await this.files.read(record.file))
    await this.files.write(file, thumbnail)
    return thumbnail
  }

  async remove(resultId: string): Promise<boolean> {
    const record = this.db.data.styleResults.find((r) => r.id === resultId)
    if (!record) return false
    await this.db.update((draft) => {
      draft.styleResults = draft.styleResults.filter((r) => r.id !== resultId)
    })
    const run = storedRun.safeParse(record.params)
    await this.files.remove([record.file, thumbnailFile(record.id), ...(run.success ? [run.data.contentFile, ...run.data.styles.map((s) => s.file)] : [])])
    return true
  }

  private find(resultId: string): { record: StyleResultRecord; run: StoredRun } {
    const record = this.db.data.styleResults.find((r) => r.id === resultId)
    if (!record) throw new LikenessError('NotFound', 'There is no such style result.', { resultId })
    const run = storedRun.safeParse(record.params)
    if (!run.success) throw new LikenessError('StoreCorrupt', 'This style result is damaged in the data file.', { resultId })
    return { record, run: run.data }
  }
}

const thumbnailFile = (id: string): string => `style/${id}-thumbnail.jpg`

function summaryOf(record: StyleResultRecord, run: StoredRun): StyleResultSummary {
  return {
    id: record.id,
    jobId: run.jobId,
    createdAt: record.createdAt,
    network: run.network,
    width: run.width,
    height: run.height,
    iterations: run.iterations,
    complete: run.complete,
    resumedFrom: run.resumedFrom,
    seconds: run.seconds,
    losses: run.losses
  }
}
