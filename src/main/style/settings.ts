import type { NetworkId } from '../engine/network'
import type { RgbImage } from '../image/decode'
import type { CostWeights, Normaliser } from './costs'

/** Which statistics of a layer stand for style: Gram matrices of activations or of their softmax (SWAG). */
export type StyleStatistics = 'gram' | 'swag'

/**
 * - 'style': the result takes the painting's colours.
 * - 'transfer': optimise in colour, then put the result's luminance on the photo's chroma.
 * - 'luminance': optimise on luminance only (painting's Y matched to the photo's mean and spread),
 *   then put that on the photo's chroma.
 */
export type ColourMode = 'style' | 'transfer' | 'luminance'

export type InitMode = 'noise' | 'content' | 'mix'

export interface StyleSource {
  image: RgbImage
  /** Blend weight among several styles; their Gram targets are mixed in these proportions. */
  weight: number
}

export interface WeightedLayer {
  name: string
  /** λ_l */
  weight: number
}

export interface StyleSettings {
  /** Longest side of the result, px. */
  size: number
  /** Iterations over all scales together. */
  iterations: number
  contentLayer: string
  styleLayers: WeightedLayer[]
  /** α, β, γ */
  weights: CostWeights
  normaliser: Normaliser
  statistics: StyleStatistics
  /** SWAG temperature as a multiple of the style image's activation std per layer. */
  swagTemperature: number
  optimizer: 'adam' | 'lbfgs'
  /** Adam's step on [0, 1] pixels. */
  learningRate: number
  init: InitMode
  /** Share of uniform noise in a 'mix' start: (1 − r)·C + r·U. */
  noiseRatio: number
  /** Coarse-to-fine scales down to `minSide` px, or one scale at `size`. */
  multiScale: boolean
  minSide: number
  /** Reflect padding around the image before the network, px. */
  padding: number
  /** Random shift of the image each iteration, 0…maxShift px each way. */
  maxShift: number
  /**
   * A new shift every this many iterations. L-BFGS evaluates both ends of a curvature pair at one
   * shift, so a new shift costs it an extra forward and backward pass; Adam pays nothing.
   */
  shiftEvery: number
  colour: ColourMode
  /** Size of the painting relative to the result: 2 makes its strokes half as large in the result. */
  styleScale: number
  /** A preview every this many iterations (and at the end of each scale). */
  previewEvery: number
  /** Seeds the start noise and the shifts: the same settings give the same picture. */
  seed: number
}

export interface StyleParams extends StyleSettings {
  content: RgbImage
  styles: StyleSource[]
  /** Resuming: G starts from this earlier result (resized to the first scale) instead of `init`. */
  start?: RgbImage
}

/** The networks that can carry a style (the face encoder cannot). */
export type StyleNetworkId = Exclude<NetworkId, 'face'>

const equal = (names: string[]): WeightedLayer[] => names.map((name) => ({ name, weight: 1 / names.length }))

const common = {
  size: 256,
  iterations: 100,
  normaliser: 'target-norm',
  swagTemperature: 10,
  // Adam is what the notes' pictures were made with. L-BFGS lowers J faster (bench/style.ts) but at
  // these weights its lower J stays closer to the photo: raise β when choosing it.
  optimizer: 'adam',
  learningRate: 0.02,
  init: 'mix',
  noiseRatio: 0.1,
  multiScale: true,
  minSide: 128,
  padding: 16,
  maxShift: 2,
  shiftEvery: 1,
  colour: 'style',
  styleScale: 1,
  previewEvery: 10,
  seed: 1
} as const satisfies Partial<StyleSettings>

/**
 * Starting points per network. InceptionV3 and MobileNetV2 layers and weights are the ones measured
 * in notes/style-offline-networks.md (SWAG at 10 × std with style weight 3, as the issue asks for
 * non-VGG networks). VGG19 follows Gatys et al. (conv1_1…conv5_1, content conv4_2) with Keras'
 * layer names; its weights were not measured here.
 */
export function defaultStyleSettings(network: StyleNetworkId): StyleSettings {
  switch (network) {
    case 'inception':
      return {
        ...common,
        contentLayer: 'mixed3',
        styleLayers: equal(['activation_2', 'activation_4', 'mixed0', 'mixed2', 'mixed4']),
        weights: { content: 1, style: 3, tv: 1 },
        statistics: 'swag'
      }
    case 'mobilenet':
      return {
        ...common,
        contentLayer: 'block_6_expand_relu',
        styleLayers: equal(['Conv1_relu', 'block_1_expand_relu', 'block_3_expand_relu', 'block_6_expand_relu', 'block_13_expand_relu']),
        weights: { content: 1, style: 3, tv: 1 },
        statistics: 'swag'
      }
    case 'vgg19':
      return {
        ...common,
        contentLayer: 'block4_conv2',
        styleLayers: equal(['block1_conv1', 'block2_conv1', 'block3_conv1', 'block4_conv1', 'block5_conv1']),
        weights: { content: 1, style: 30, tv: 1 },
        statistics: 'gram'
      }
  }
}
