import type { StyleOptions, WeightedLayer } from '../../shared/api/style'
import type { StyleNetwork } from '../../shared/networks'
import type { RgbImage } from '../image/decode'

export interface StyleSource {
  image: RgbImage
  /** Blend weight among several styles; their Gram targets are mixed in these proportions. */
  weight: number
}

export interface StyleParams extends StyleOptions {
  content: RgbImage
  styles: StyleSource[]
  /** Resuming: G starts from this earlier result (resized to the first scale) instead of `init`. */
  start?: RgbImage
  /** Experiment: match the palette again at each new scale. */
  paletteEveryScale?: boolean
  /** Experiment: shifted activations in the Gram. */
  gramShift?: number
}

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
  fineShare: 0.5,
  padding: 16,
  maxShift: 2,
  shiftEvery: 1,
  colour: 'style',
  paletteMatch: 'none',
  parameterisation: 'pixels',
  styleScale: 1,
  previewEvery: 10,
  seed: 1
} as const satisfies Partial<StyleOptions>

/**
 * Starting points per network. InceptionV3 and MobileNetV2 layers and weights are the ones measured
 * in notes/style-offline-networks.md (SWAG at 10 × std with style weight 3, as the issue asks for
 * non-VGG networks). VGG19 follows Gatys et al. (conv1_1…conv5_1, content conv4_2) with Keras'
 * layer names; its weights were not measured here.
 */
export function defaultStyleSettings(network: StyleNetwork): StyleOptions {
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
