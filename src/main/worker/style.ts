import { LikenessError } from '../../shared/errors'
import type { JobProgress } from '../../shared/jobs'
import type { LossPoint } from '../../shared/api/style'
import type { OpHandlers, OpResult } from './ops'
import { models } from './models'
import { fitWithin } from '../image/crop'
import { decodeImage, type RgbImage } from '../image/decode'
import { encodePng } from '../image/encode'
import { qualityFigures } from '../style/quality'
import { regionSettingsOf } from '../style/region'
import { stylize, type ScaleRecord } from '../style/stylize'
import { paintPackedRegion, sharedPainter } from './styleRegions'
import { threadCpuSeconds } from './threadCpu'

/**
 * Inputs are decoded no larger than the run needs: the photo at the result's size, a painting at
 * its style scale. A 40-megapixel photo never reaches the engine.
 */
async function decodeFitted(bytes: Uint8Array, longest: number, field: string): Promise<RgbImage> {
  try {
    return await fitWithin((await decodeImage(bytes)).image, longest)
  } catch (error) {
    if (error instanceof LikenessError) throw new LikenessError(error.kind, error.message, { ...error.detail, field })
    throw error
  }
}

export const styleOps: Pick<OpHandlers, 'style.stylize' | 'style.paintRegion'> = {
  'style.stylize': async ({ network: id, content: contentBytes, styles: styleInputs, settings, start: startBytes, engine }, context) => {
    const content = await decodeFitted(contentBytes, settings.size, 'content')
    const styleLongest = Math.ceil(settings.size * settings.styleScale)
    const styles = await Promise.all(styleInputs.map(async (s, i) => ({ image: await decodeFitted(s.image, styleLongest, `styles[${i}]`), weight: s.weight })))
    const start = startBytes ? (await decodeImage(startBytes)).image : undefined
    const network = await models.get(id)
    context.throwIfCancelled()
    const cpuAtStart = threadCpuSeconds()

    // Every iteration's picture is kept, not only the previews sent on, so that a cancel still hands
    // back exactly where the run stood and Resume continues from there.
    let latest: RgbImage | undefined
    const history: LossPoint[] = []
    let scales: ScaleRecord[] = []
    // Previews are encoded asynchronously; chaining the reports keeps them in iteration order.
    let reporting = Promise.resolve()
    const report = (progress: JobProgress, picture?: RgbImage): void => {
      reporting = reporting.then(async () => context.report(picture ? { ...progress, preview: await encodePng(picture) } : progress))
    }
    const finish = async (image: RgbImage, complete: boolean): Promise<OpResult<'style.stylize'>> => {
      await reporting
      return {
        image: await encodePng(image),
        width: image.width,
        height: image.height,
        history,
        complete,
        content: await encodePng(content),
        styles: await Promise.all(styles.map((s) => encodePng(s.image))),
        quality: qualityFigures(image, content, styles.reduce((a, b) => (b.weight > a.weight ? b : a)).image),
        scales,
        cpuSeconds: cpuAtStart === undefined ? undefined : (threadCpuSeconds() ?? cpuAtStart) - cpuAtStart
      }
    }
    try {
      const result = await stylize({ ...settings, ...engine, previewEvery: 1, content, styles, start }, network, {
        isCancelled: () => context.isCancelled(),
        // Regions of a scale go to other workers too, when the pool lends them (the job's setting, no camera view open).
        regions: sharedPainter(context, id, regionSettingsOf(settings), network),
        onProgress(iteration, losses, picture) {
          latest = picture
          history.push({ iteration, ...losses })
          const wantsPreview = iteration % settings.previewEvery === 0 || iteration === settings.iterations
          const message = `iteration ${iteration} of ${settings.iterations}: J = ${losses.total.toPrecision(4)}`
          report({ done: iteration, total: settings.iterations, message, values: { iteration, ...losses } }, wantsPreview ? picture : undefined)
        }
      })
      scales = result.scales
      return await finish(result.image, true)
    } catch (error) {
      if (!(error instanceof LikenessError && error.kind === 'Cancelled') || !latest) throw error
      return await finish(latest, false)
    }
  },

  'style.paintRegion': async (region, context) => {
    const network = await models.get(region.network)
    context.throwIfCancelled()
    return { ...(await paintPackedRegion(region, network, context)), worker: context.worker }
  }
}
