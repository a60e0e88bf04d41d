import type { JobInfo } from '../../shared/jobs'
import type { LossPoint, ModelInstallResult, StyleNetworkInfo, StyleOptions, StyleRunResult } from '../../shared/api/style'
import { networkLabels, styleNetworks, type StyleNetwork } from '../../shared/networks'
import { lbfgsShiftEvery, styleThumbnailSide } from '../../shared/api/style'
import { fitWithin } from '../image/crop'
import { decodeImage } from '../image/decode'
import { encodeJpeg } from '../image/encode'
import type { OpResult } from '../worker/ops'
import { inceptionTapLayers } from '../style/networks/inception'
import { mobilenetTapLayers } from '../style/networks/mobilenet'
import { vgg19TapLayers } from '../style/networks/vgg19'
import { isInstalled, modelFiles, registry, requireInstalled, vgg19Download } from '../models/registry'
import { defaultStyleSettings } from '../style/settings'
import type { ServiceContext } from './context'
import type { Handlers } from './handlers'
import { downloadModelFile, importModelFile } from './modelDownload'

type StyleMethods = 'style.networks' | 'style.start' | 'style.resume' | 'style.history' | 'style.result' | 'style.thumbnail' | 'style.delete' | 'style.downloadVgg19' | 'style.importVgg19'

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

export function styleHandlers({ dataDir, pool, jobs, store, cameras }: ServiceContext): Pick<Handlers, StyleMethods> {
  const history = store.styleHistory
  const locations = { dataDir }
  const vgg19 = vgg19Download
  const [vgg19File] = modelFiles('vgg19', locations)
  let download: JobInfo<ModelInstallResult> | undefined

  const networkInfo = (id: StyleNetwork): StyleNetworkInfo => {
    const { download } = registry[id] as { download?: StyleNetworkInfo['download'] }
    return { id, label: networkLabels[id], bundled: !download, available: isInstalled(id, locations), layers: layers[id], defaults: defaultStyleSettings(id), download }
  }
  const requireAvailable = (id: StyleNetwork): void => requireInstalled(id, locations)

  /**
   * A stylize job on the batch lane: style runs take minutes and must never hold up live check-in.
   * With the setting on and no camera view open it borrows the live worker for part of a scale.
   */
  const startRun = (kind: 'style.start' | 'style.resume', inputs: RunInputs): JobInfo<StyleRunResult> => {
    const { network, options, previous } = inputs
    const title = `Style: ${networkLabels[network]}, ${options.size} px${previous ? `, ${options.iterations} more iterations` : ''}`
    // The work starts before start() returns; it reads the job's id only after its first await.
    let jobId = ''
    const job = jobs.start(kind, title, async ({ report, signal }): Promise<StyleRunResult> => {
      const started = performance.now()
      const outcome = await pool.run(
        'style.stylize',
        { network, content: inputs.content, styles: inputs.styles, settings: options, start: previous?.image },
        // Asked at each scale and region: a camera view opened since takes the live worker back.
        { lane: 'batch', signal, onProgress: report, borrowWorkers: () => store.settings.get().styleUsesBothWorkers && !cameras.open() }
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
    'style.networks': async () => styleNetworks.map(networkInfo),

    'style.start': async ({ content, styles, network, options }) => {
      requireAvailable(network)
      const shiftEvery = options?.shiftEvery ?? (options?.optimizer === 'lbfgs' ? lbfgsShiftEvery : undefined)
      return startRun('style.start', { network, options: { ...defaultStyleSettings(network), ...options, ...(shiftEvery && { shiftEvery }) }, content, styles })
    },

    'style.resume': async ({ resultId, iterations }) => {
      const earlier = await history.detail(resultId)
      requireAvailable(earlier.summary.network)
      // Continuing at full size: a coarse scale would blur away what the earlier run drew.
      const options: StyleOptions = { ...earlier.options, iterations, multiScale: false }
      return startRun('style.resume', {
        network: earlier.summary.network,
        options,
        content: earlier.content,
        styles: earlier.styles,
        previous: { id: earlier.summary.id, image: earlier.image, history: earlier.history, seconds: earlier.summary.seconds }
      })
    },

    'style.history': async () => history.list(),
    'style.result': ({ resultId }) => history.detail(resultId),
    'style.thumbnail': ({ resultId }) => history.thumbnail(resultId, async (png) => encodeJpeg(await fitWithin((await decodeImage(png)).image, styleThumbnailSide), 80)),
    'style.delete': async ({ resultId }) => ({ removed: await history.remove(resultId) }),

    'style.downloadVgg19': async () => {
      // One download at a time: two would write the same partial file.
      if (download && jobs.isRunning(download.id)) return download
      download = jobs.start('style.downloadVgg19', 'Download VGG19 weights', async ({ report, signal }) => {
        let reported = -1
        const installed = isInstalled('vgg19', locations)
          ? { bytes: vgg19.bytes, md5: vgg19.md5 }
          : await downloadModelFile(vgg19, vgg19File!, {
              signal,
              onProgress: ({ received, total }) => {
                if (received < total && received / total - reported < downloadReportStep) return
                reported = received / total
                report({ done: received, total, message: `${megabytes(received)} of ${megabytes(total)} MB` })
              }
            })
        return { network: networkInfo('vgg19'), ...installed }
      })
      return download
    },

    'style.importVgg19': async ({ path: source }) => {
      const installed = await importModelFile(source, vgg19File!, vgg19)
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
