import { existsSync } from 'node:fs'
import path from 'node:path'
import { LikenessError } from '../../shared/errors'
import type { JobInfo } from '../../shared/jobs'
import type { LossPoint, StyleNetwork, StyleNetworkInfo, StyleOptions, StyleRunResult } from '../../shared/api/style'
import { lbfgsShiftEvery } from '../../shared/api/style'
import type { OpResult } from '../engine/ops'
import { inceptionTapLayers } from '../style/networks/inception'
import { mobilenetTapLayers } from '../style/networks/mobilenet'
import { vgg19ModelInfo, vgg19TapLayers } from '../style/networks/vgg19'
import { defaultStyleSettings } from '../style/settings'
import { StyleHistory } from '../store/styleHistory'
import type { ServiceContext } from './context'
import type { Handlers } from './handlers'
import { downloadModelFile, importModelFile } from './modelDownload'

type StyleMethods = 'style.networks' | 'style.start' | 'style.resume' | 'style.history' | 'style.result' | 'style.delete' | 'style.downloadVgg19' | 'style.importVgg19'

const labels: Record<StyleNetwork, string> = { inception: 'InceptionV3', mobilenet: 'MobileNetV2', vgg19: 'VGG19' }
const layers: Record<StyleNetwork, string[]> = { inception: inceptionTapLayers, mobilenet: mobilenetTapLayers, vgg19: vgg19TapLayers }

/** Download progress is worth an event per 1 % or so, not per 64 kB chunk. */
const downloadReportStep = 1 / 100

interface RunInputs {
  network: StyleNetwork
  options: StyleOptions
  content: Uint8Array
  styles: { image: Uint8Array; weight: number }[]
  /** Resuming: the earlier result, whose picture starts G and whose iterations and curve come first. */
  previous?: { id: string; image: Uint8Array; history: LossPoint[]; seconds: number }
}

export function styleHandlers({ dataDir, pool, jobs, db, files }: ServiceContext): Pick<Handlers, StyleMethods> {
  const history = new StyleHistory(db, files)
  const vgg19File = path.join(dataDir, 'models', vgg19ModelInfo.fileName)
  let downloadJobId: string | undefined

  const networkInfo = (id: StyleNetwork): StyleNetworkInfo => ({
    id,
    label: labels[id],
    bundled: id !== 'vgg19',
    available: id !== 'vgg19' || existsSync(vgg19File),
    layers: layers[id],
    defaults: defaultStyleSettings(id),
    download: id === 'vgg19' ? { url: vgg19ModelInfo.url, fileName: vgg19ModelInfo.fileName, bytes: vgg19ModelInfo.bytes, md5: vgg19ModelInfo.md5 } : undefined
  })

  const requireAvailable = (id: StyleNetwork): void => {
    if (!networkInfo(id).available) {
      throw new LikenessError('ModelUnavailable', 'VGG19 is not installed: download it or import its weights file first.', { network: id })
    }
  }

  /** A stylize job on the batch lane: style runs take minutes and must never hold up live check-in. */
  const startRun = (inputs: RunInputs): JobInfo => {
    const { network, options, previous } = inputs
    const title = `Style: ${labels[network]}, ${options.size} px${previous ? `, ${options.iterations} more iterations` : ''}`
    // The work starts before start() returns; it reads the job's id only after its first await.
    let jobId = ''
    const job = jobs.start('style.run', title, async ({ report, signal }): Promise<StyleRunResult> => {
      const started = performance.now()
      const outcome = await pool.run(
        'style.stylize',
        { network, vgg19File, content: inputs.content, styles: inputs.styles, settings: options, start: previous?.image },
        { lane: 'batch', signal, onProgress: report }
      )
      const seconds = (performance.now() - started) / 1000 + (previous?.seconds ?? 0)
      const result = await history.save({
        jobId,
        network,
        options,
        resumedFrom: previous?.id,
        seconds,
        complete: outcome.complete,
        history: continued(previous?.history ?? [], outcome),
        image: { png: outcome.image, width: outcome.width, height: outcome.height },
        content: outcome.content,
        styles: outcome.styles.map((png, i) => ({ png, weight: inputs.styles[i]!.weight }))
      })
      return { result, lossStart: outcome.history[0]?.total ?? 0, lossEnd: outcome.history.at(-1)?.total ?? 0, quality: outcome.quality }
    })
    jobId = job.id
    return job
  }

  return {
    'style.networks': async () => (['inception', 'mobilenet', 'vgg19'] as const).map(networkInfo),

    'style.start': async ({ content, styles, network, options }) => {
      requireAvailable(network)
      const shiftEvery = options?.shiftEvery ?? (options?.optimizer === 'lbfgs' ? lbfgsShiftEvery : undefined)
      return startRun({ network, options: { ...defaultStyleSettings(network), ...options, ...(shiftEvery && { shiftEvery }) }, content, styles })
    },

    'style.resume': async ({ resultId, iterations }) => {
      const earlier = await history.detail(resultId)
      requireAvailable(earlier.summary.network)
      // Continuing at full size: a coarse scale would blur away what the earlier run drew.
      const options: StyleOptions = { ...earlier.options, iterations, multiScale: false }
      return startRun({
        network: earlier.summary.network,
        options,
        content: earlier.content,
        styles: earlier.styles,
        previous: { id: earlier.summary.id, image: earlier.image, history: earlier.history, seconds: earlier.summary.seconds }
      })
    },

    'style.history': async () => history.list(),
    'style.result': ({ resultId }) => history.detail(resultId),
    'style.delete': async ({ resultId }) => ({ removed: await history.remove(resultId) }),

    'style.downloadVgg19': async () => {
      // One download at a time: two would write the same partial file.
      const running = downloadJobId ? jobs.list().find((job) => job.id === downloadJobId && job.state === 'running') : undefined
      if (running) return running
      const job = jobs.start('style.download', 'Download VGG19 weights', async ({ report, signal }) => {
        let reported = -1
        const installed = existsSync(vgg19File)
          ? { bytes: vgg19ModelInfo.bytes, md5: vgg19ModelInfo.md5 }
          : await downloadModelFile(vgg19ModelInfo, vgg19File, {
              signal,
              onProgress: ({ received, total }) => {
                if (received < total && received / total - reported < downloadReportStep) return
                reported = received / total
                report({ done: received, total, message: `${megabytes(received)} of ${megabytes(total)} MB` })
              }
            })
        return { network: networkInfo('vgg19'), ...installed }
      })
      downloadJobId = job.id
      return job
    },

    'style.importVgg19': async ({ path: source }) => {
      const installed = await importModelFile(source, vgg19File, vgg19ModelInfo)
      return { network: networkInfo('vgg19'), ...installed }
    }
  }
}

/** The earlier run's curve, then this run's iterations numbered on from it. */
function continued(earlier: LossPoint[], outcome: OpResult<'style.stylize'>): LossPoint[] {
  const offset = earlier.at(-1)?.iteration ?? 0
  return [...earlier, ...outcome.history.map((point) => ({ ...point, iteration: point.iteration + offset }))]
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1)
}
