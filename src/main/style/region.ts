import * as tf from '@tensorflow/tfjs'
import type { StyleLosses, StyleOptions } from '../../shared/api/style'
import { LikenessError } from '../../shared/errors'
import type { FeatureNetwork } from '../engine/network'
import { seededRandom } from '../engine/random'
import { allShifts } from './frame'
import { createStyleObjective } from './objective'
import { createOptimizer, type ValueAndGradient } from './optimize'
import { imageParameters, projectToPicture, type ImageParameters } from './parameterisation'
import { contentTargets, type StyleLayerTarget } from './targets'

/** The settings a region's optimisation reads. */
export type RegionSettings = Pick<
  StyleOptions,
  'contentLayer' | 'styleLayers' | 'weights' | 'normaliser' | 'optimizer' | 'learningRate' | 'padding' | 'maxShift' | 'shiftEvery' | 'parameterisation' | 'laplacianWeight'
>

const regionSettingKeys = [
  'contentLayer',
  'styleLayers',
  'weights',
  'normaliser',
  'optimizer',
  'learningRate',
  'padding',
  'maxShift',
  'shiftEvery',
  'parameterisation',
  'laplacianWeight'
] as const satisfies readonly (keyof RegionSettings)[]

/** Only what a region reads: what another worker is sent along with the work. */
export function regionSettingsOf(options: RegionSettings): RegionSettings {
  return Object.fromEntries(regionSettingKeys.map((key) => [key, options[key]])) as RegionSettings
}

/**
 * One unit of work: a region of G (the whole picture, or one tile of a print-size scale) optimised
 * for `iterations` steps against style targets fixed for its scale. It needs nothing else, so
 * regions can run in any order or on different engine workers.
 */
export interface RegionWork {
  /** G where the region starts, [1, h, w, 3] in [0, 1]. */
  start: tf.Tensor4D
  /** C as the network sees it, over the same region. */
  content: tf.Tensor4D
  styleTargets: readonly StyleLayerTarget[]
  iterations: number
  /** Seeds this region's shifts. */
  seed: number
  /** Cycles per pixel a coarser scale already drew (see imageParameters); absent at the first scale. */
  coarserFrequency?: number
}

export interface RegionHooks {
  /** After step `step` (0-based), with J where it started and G after it (borrowed: valid during the call). */
  onStep?(losses: StyleLosses, image: tf.Tensor4D, step: number): Promise<void> | void
  /** Polled before every step; true stops with LikenessError('Cancelled'). */
  isCancelled?(): boolean
}

/**
 * J(G) = α·J_content + β·J_style + γ·TV minimised over the region's parameters p (G = decode(p)),
 * the network seeing G reflect-padded and randomly shifted: the shift changes every `shiftEvery`
 * steps. Returns G at the end (the caller owns it).
 */
export async function paintRegion(work: RegionWork, settings: RegionSettings, network: FeatureNetwork, hooks: RegionHooks = {}): Promise<tf.Tensor4D> {
  const [, height, width] = work.start.shape
  const shifts = allShifts(settings.maxShift)
  const random = seededRandom(work.seed)
  const styleLayers = settings.styleLayers.map((l) => l.name)
  const contents = contentTargets(network, work.content, settings.contentLayer, styleLayers, settings.padding, shifts, settings.maxShift)
  const objective = createStyleObjective({
    network,
    weights: settings.weights,
    laplacianWeight: settings.laplacianWeight,
    content: work.content,
    normaliser: settings.normaliser,
    contentLayer: settings.contentLayer,
    contentTargets: contents,
    shifts,
    styleTargets: work.styleTargets,
    padding: settings.padding,
    maxShift: settings.maxShift
  })
  const parameters = imageParameters(settings.parameterisation, height, width, work.coarserFrequency)
  // Pixels are clipped by the optimiser itself; other parameters are projected after each step.
  const clipsItself = settings.parameterisation === 'pixels'
  const bounds = clipsItself ? ([0, 1] as const) : undefined
  const optimizer = createOptimizer(settings.optimizer === 'adam' ? { kind: 'adam', learningRate: settings.learningRate, bounds } : { kind: 'lbfgs', bounds })
  // p and the picture it decodes to travel together: decoding costs two matrix products per
  // channel in the cosine basis, and the picture is needed by the next step and the caller.
  let p = parameters.encode(work.start)
  let image = work.start.clone()
  let shift = shifts[0]
  const decode = (q: tf.Tensor): tf.Tensor4D => (q === p ? image.clone() : parameters.decode(q))
  try {
    for (let k = 0; k < work.iterations; k++) {
      // Let a cancel message (worker event) land before deciding to go on.
      await nextTurn()
      if (hooks.isCancelled?.()) throw new LikenessError('Cancelled', 'Stylizing was cancelled.')
      if (k % settings.shiftEvery === 0) shift = shifts[Math.floor(random() * shifts.length)]
      const { x, at } = optimizer.step(p, throughParameters(decode, parameters, objective.at(shift)))
      const projected = clipsItself ? { params: x, image: x.clone() as tf.Tensor4D } : projectToPicture(parameters, x)
      if (!clipsItself) x.dispose()
      tf.dispose([p, image])
      p = projected.params
      image = projected.image
      await hooks.onStep?.(at.info, image, k)
    }
    return image.clone()
  } finally {
    tf.dispose([p, image])
    optimizer.dispose()
    parameters.dispose()
    objective.dispose()
    contents.dispose()
  }
}

/** J and ∂J/∂p for parameters p of G: the objective at G = decode(p), its gradient pulled back. */
function throughParameters<Info>(decode: (p: tf.Tensor) => tf.Tensor4D, parameters: ImageParameters, objective: ValueAndGradient<Info>): ValueAndGradient<Info> {
  return (p) => {
    const image = decode(p)
    const evaluation = objective(image)
    image.dispose()
    const gradient = parameters.pullBack(evaluation.gradient as tf.Tensor4D)
    evaluation.gradient.dispose()
    return { ...evaluation, gradient }
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}

/** What a painter reports of each step of each region it paints. */
export interface RegionsHooks {
  /**
   * After step `step` (0-based over the region's iterations) of region `region`, with J where it
   * started and G after it (borrowed: valid during the call). A region handed from one worker to
   * another goes on counting where it stood, so a step may come twice but never goes back.
   */
  onStep(region: number, step: number, losses: StyleLosses, image: tf.Tensor4D): Promise<void> | void
  /** Polled before every step; true stops with LikenessError('Cancelled'). */
  isCancelled?(): boolean
}

/** One region's G at the end, and which engine worker painted it (the last one, if it moved). */
export interface PaintedRegion {
  image: tf.Tensor4D
  worker: number
  /** CPU seconds its painting took on that worker's thread, where the painter measures it. */
  cpuSeconds?: number
}

/**
 * Paints the regions of one scale: in turn on this worker, or some of them on other engine workers
 * (worker/styleRegions.ts). The engine only knows this capability; who paints where is plumbing.
 */
export interface RegionPainter {
  /** How many workers could paint this scale's regions at once, now (1: only this one). */
  parallel(): Promise<number>
  /** G per region, in the order given (the caller owns them); the works' tensors stay the caller's. */
  paint(works: readonly RegionWork[], hooks: RegionsHooks): Promise<PaintedRegion[]>
}

/** Every region on this worker, one after the other. `worker` is this worker's index, for the record. */
export function paintInTurn(settings: RegionSettings, network: FeatureNetwork, worker = 0): RegionPainter {
  return {
    parallel: async () => 1,
    async paint(works, hooks) {
      const painted: PaintedRegion[] = []
      try {
        for (const [index, work] of works.entries()) {
          const image = await paintRegion(work, settings, network, {
            isCancelled: hooks.isCancelled,
            onStep: (losses, image, step) => hooks.onStep(index, step, losses, image)
          })
          painted.push({ image, worker })
        }
        return painted
      } catch (error) {
        tf.dispose(painted.map((p) => p.image))
        throw error
      }
    }
  }
}
