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
  /** Experiment: the linear share of the palette step's lightness map (palette.ts's default when absent). */
  linearLightness?: number
  /** Experiment: shifted activations in the Gram. */
  gramShift?: number
  /** Tiles no larger than this (px): planned from the wasm heap when absent. Tests tile small pictures with it. */
  tileSide?: number
  /** Split a scale the heap holds whole in two halves when another worker can paint one (stylize.ts's default when absent). */
  splitWhole?: boolean
}

const equal = (names: string[]): WeightedLayer[] => names.map((name) => ({ name, weight: 1 / names.length }))

const common = {
  // The largest offered size that stays near a minute (bench:style-quality: 512 px costs 2.2× a
  // 256 px run, which takes about 30 s alone on this kind of machine).
  size: 512,
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
  // The networks drift to their own pastel palette whatever the painting: the palette is brought by
  // a matching step instead (issue 12; README, "Pictures worth keeping", for the figures). Its
  // lightness map is half linear (palette.ts): the rank map alone flattened the photo's edges.
  paletteMatch: 'histogram',
  // A 1/f cosine basis in decorrelated colour (Mordvintsev et al. 2018): no rainbow speckle.
  parameterisation: 'fourier',
  // Halves the chroma speckle the networks still paint on The Scream and Udnie (1.6–1.9 → 0.7–1.0,
  // palette and structure unchanged; README, "Pictures worth keeping").
  chromaSmoothing: 1,
  // What the guided filter leaves follows the brightness: at 512 px hoover tower × The Scream keeps
  // chroma speckle 3.2 after it, 1.1 after two passes of a 3×3 mean (README, "Pictures worth keeping").
  chromaBlur: 2,
  // Measured on InceptionV3 only, which sets its own λ.
  laplacianWeight: 0,
  styleScale: 1,
  previewEvery: 10,
  seed: 1
} as const satisfies Partial<StyleOptions>

/**
 * Starting points per network. InceptionV3 and MobileNetV2 layers are the ones measured in
 * notes/style-offline-networks.md; InceptionV3's weights are bench:style-quality's best over the
 * shared pairs; MobileNetV2 keeps SWAG at 10 × std with style weight 3 (bench:style-quality: 47 of
 * 56 pairs meet every goal). VGG19 follows Gatys et al. (conv1_1…conv5_1, content conv4_2) with
 * Keras' layer names; its weights were not measured here.
 */
export function defaultStyleSettings(network: StyleNetwork): StyleOptions {
  switch (network) {
    case 'inception':
      return {
        ...common,
        contentLayer: 'mixed3',
        styleLayers: equal(['activation_2', 'activation_4', 'mixed0', 'mixed2', 'mixed4']),
        // Plain Gram at β 30 (the notes' best pictures) once the palette step has taken over colour;
        // α 3 keeps the photo's structure through the 1/f basis's larger strokes.
        weights: { content: 3, style: 30, tv: 1 },
        statistics: 'gram',
        // The Laplacian term (Li et al. 2017) at λ 30 lifts the structure figure of the seven pairs
        // whose strong strokes melted the photo's edges from 0.446–0.575 to 0.504–0.666 at 256 px (four
        // over 0.6), the painting's texture kept; λ 1 and 3 moved them less (README, "Pictures worth keeping").
        laplacianWeight: 30
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
