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
  'contentLayer' | 'styleLayers' | 'weights' | 'normaliser' | 'optimizer' | 'learningRate' | 'padding' | 'maxShift' | 'shiftEvery' | 'parameterisation'
>

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
  /** After each step, with J where it started and G after it (borrowed: valid during the call). */
  onStep?(losses: StyleLosses, image: tf.Tensor4D): Promise<void> | void
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
      await hooks.onStep?.(at.info, image)
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
