import * as tf from '@tensorflow/tfjs'
import { LikenessError } from '../../shared/errors'
import type { FeatureNetwork } from '../engine/network'
import { seededRandom } from '../engine/random'
import type { RgbImage } from '../image/decode'
import { imageToTensor, tensorToImage } from '../image/tensor'
import { requireSizeFitsBackend } from './heapBudget'
import { luminanceImage, transferLuminance } from './colour'
import { allShifts, type Shift } from './frame'
import { createStyleObjective, type StyleObjective } from './objective'
import type { LossPoint, StyleLosses } from '../../shared/api/style'
import { createOptimizer } from './optimize'
import { fitLongestSide, resizeImages } from './resize'
import { scaleStages, type Stage } from './schedule'
import type { StyleParams } from './settings'
import { contentTargets, styleTargets } from './targets'
import { minResultShortSide, validateStyleParams } from './validate'

export interface StylizeHooks {
  /** After every iteration (1-based over all scales), with J where that iteration started. */
  onProgress?(iteration: number, losses: StyleLosses, preview?: RgbImage): void
  /** Polled before every iteration; true stops the run with LikenessError('Cancelled'). */
  isCancelled?(): boolean
}

export interface LossRecord extends LossPoint {
  /** Size of the scale the iteration ran at. */
  width: number
  height: number
}

export interface StylizeResult {
  image: RgbImage
  history: LossRecord[]
}

/**
 * Gatys et al.'s method: optimise the pixels of G to minimise J(G) = α·J_content + β·J_style + γ·TV,
 * coarse to fine, the network seeing G reflect-padded and randomly shifted each iteration.
 */
export async function stylize(params: StyleParams, network: FeatureNetwork, hooks: StylizeHooks = {}): Promise<StylizeResult> {
  validateStyleParams(params, network)
  requireSizeFitsBackend(network, params.content, params.size, params)
  const stages = scaleStages(params.content, params.size, params.iterations, {
    multiScale: params.multiScale,
    minSide: params.minSide,
    minShortSide: minResultShortSide
  })
  const random = seededRandom(params.seed)
  const shifts = allShifts(params.maxShift)
  const content = asBatch(params.content)
  const styles = params.styles.map((s) => asBatch(s.image))
  const history: LossRecord[] = []
  let generated: tf.Tensor4D | undefined
  let iteration = 0
  let shift = shifts[0]
  try {
    for (const stage of stages) {
      const scene = prepareScale(params, network, stage, content, styles, shifts)
      const optimizer = createOptimizer(
        params.optimizer === 'adam' ? { kind: 'adam', learningRate: params.learningRate, bounds: [0, 1] } : { kind: 'lbfgs', bounds: [0, 1] }
      )
      try {
        const start: tf.Tensor4D = generated ? resizeImages(generated, stage.height, stage.width) : initialImage(params, scene.networkContent)
        generated?.dispose()
        generated = start
        for (let k = 0; k < stage.iterations; k++) {
          // Let a cancel message (worker event) land before deciding to go on.
          await nextTurn()
          if (hooks.isCancelled?.()) throw new LikenessError('Cancelled', 'Stylizing was cancelled.')
          if (iteration % params.shiftEvery === 0) shift = shifts[Math.floor(random() * shifts.length)]
          const { x, at } = optimizer.step(generated, scene.objective.at(shift))
          generated.dispose()
          generated = x as tf.Tensor4D
          iteration++
          history.push({ iteration, width: stage.width, height: stage.height, ...at.info })
          const wantsPreview = iteration % params.previewEvery === 0 || k === stage.iterations - 1
          const preview = wantsPreview ? await picture(generated, scene.colourContent, params.colour) : undefined
          hooks.onProgress?.(iteration, at.info, preview)
        }
      } finally {
        optimizer.dispose()
        scene.dispose()
      }
    }
    const final = generated as tf.Tensor4D
    const colourContent = resizeImages(content, final.shape[1], final.shape[2])
    try {
      return { image: await picture(final, colourContent, params.colour), history }
    } finally {
      colourContent.dispose()
    }
  } finally {
    tf.dispose([content, ...styles])
    generated?.dispose()
  }
}

interface Scale {
  objective: StyleObjective
  /** C as the network sees it (grey in luminance mode). */
  networkContent: tf.Tensor4D
  /** C in colour at this scale, for colour preservation. */
  colourContent: tf.Tensor4D
  dispose(): void
}

/** Everything fixed for one scale: C and S at its size, the content and style targets, J. */
function prepareScale(
  params: StyleParams,
  network: FeatureNetwork,
  stage: Stage,
  content: tf.Tensor4D,
  styles: readonly tf.Tensor4D[],
  shifts: readonly Shift[]
): Scale {
  const colourContent = resizeImages(content, stage.height, stage.width)
  const luminanceOnly = params.colour === 'luminance'
  const networkContent = luminanceOnly ? luminanceImage(colourContent) : colourContent.clone()
  const styleLongest = Math.round(params.styleScale * Math.max(stage.width, stage.height))
  const styleImages = styles.map((s, i) => {
    const size = styleSize(s.shape[2], s.shape[1], styleLongest)
    const image = tf.tidy(() => {
      const resized = resizeImages(s, size.height, size.width)
      return luminanceOnly ? luminanceImage(resized, colourContent) : resized
    })
    return { image, weight: params.styles[i].weight }
  })
  const framedStyles = styleImages.map((s) => ({ image: tf.tidy(() => framePadded(s.image, params.padding)), weight: s.weight }))
  const targets = styleTargets(network, framedStyles, params.styleLayers, params.statistics, params.swagTemperature)
  tf.dispose([...styleImages.map((s) => s.image), ...framedStyles.map((s) => s.image)])
  const styleLayers = params.styleLayers.map((l) => l.name)
  const contents = contentTargets(network, networkContent, params.contentLayer, styleLayers, params.padding, shifts, params.maxShift)
  const objective = createStyleObjective({
    network,
    weights: params.weights,
    normaliser: params.normaliser,
    contentLayer: params.contentLayer,
    contentTargets: contents.targets,
    shifts,
    styleTargets: targets,
    shapes: contents.shapes,
    padding: params.padding,
    maxShift: params.maxShift
  })
  return {
    objective,
    networkContent,
    colourContent,
    dispose() {
      objective.dispose()
      tf.dispose([...contents.targets, ...targets.map((t) => t.gramPerPosition), networkContent, colourContent])
    }
  }
}

/** S at `longest` px, but never with a short side the reflect padding cannot fold over. */
function styleSize(width: number, height: number, longest: number): { width: number; height: number } {
  const size = fitLongestSide(width, height, longest)
  const short = Math.min(size.width, size.height)
  return short >= minResultShortSide ? size : fitLongestSide(width, height, Math.ceil((longest * minResultShortSide) / short))
}

/** The style is seen with the same reflect padding as G, unshifted: Gram statistics do not care where. */
function framePadded(image: tf.Tensor4D, padding: number): tf.Tensor4D {
  return padding > 0 ? tf.mirrorPad(image, [[0, 0], [padding, padding], [padding, padding], [0, 0]], 'reflect') : image.clone()
}

function initialImage(params: StyleParams, content: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    if (params.start) {
      const start = resizeImages(asBatch(params.start), content.shape[1], content.shape[2])
      return params.colour === 'luminance' ? luminanceImage(start) : start
    }
    if (params.init === 'content') return content.clone()
    const noise = tf.randomUniform(content.shape, 0, 1, 'float32', params.seed)
    if (params.init === 'noise') return noise
    return content.mul(1 - params.noiseRatio).add(noise.mul(params.noiseRatio))
  }) as tf.Tensor4D
}

async function picture(generated: tf.Tensor4D, colourContent: tf.Tensor4D, colour: StyleParams['colour']): Promise<RgbImage> {
  const rgb = tf.tidy(() => (colour === 'style' ? generated : transferLuminance(generated, colourContent)).squeeze([0]) as tf.Tensor3D)
  try {
    return await tensorToImage(rgb)
  } finally {
    rgb.dispose()
  }
}

function asBatch(image: RgbImage): tf.Tensor4D {
  return tf.tidy(() => imageToTensor(image).expandDims(0) as tf.Tensor4D)
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
