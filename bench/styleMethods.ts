// The methods bench/style-quality.ts compares: each a name, what it is, and the options it sets over
// the network's studio defaults (src/main/style/settings.ts).
import type { StyleNetwork } from '../src/shared/networks'
import type { StyleParams } from '../src/main/style/settings'

type Overrides = Partial<Omit<StyleParams, 'content' | 'styles' | 'start'>>

export interface StyleMethod {
  description: string
  /** The options over the network's defaults; some depend on the pair's shapes. */
  options(network: Exclude<StyleNetwork, 'vgg19'>, pair?: { photo: Size; painting: Size }): Overrides
}

interface Size {
  width: number
  height: number
}

/** The style scale at which the painting covers as many pixels as the photo (the studio scales its longest side). */
function equalArea(pair?: { photo: Size; painting: Size }): number {
  if (!pair) return 1
  const aspect = (s: Size): number => Math.min(s.width, s.height) / Math.max(s.width, s.height)
  return Math.min(4, Math.sqrt(aspect(pair.photo) / aspect(pair.painting)))
}

/**
 * The studio's defaults before issue 12: SWAG, β 3, γ 1, pixels, no palette step, and at 256 px its
 * schedule (75 iterations at 128 px, 25 at 256: a fine share of 1/3).
 */
const before: Overrides = {
  fineShare: 1 / 3,
  statistics: 'swag',
  weights: { content: 1, style: 3, tv: 1 },
  parameterisation: 'pixels',
  paletteMatch: 'none',
  chromaSmoothing: 0,
  chromaBlur: 0,
  laplacianWeight: 0,
  iterations: 100,
  init: 'mix'
}

const fhg: Overrides = { ...before, fineShare: 0.5, parameterisation: 'fourier', paletteMatch: 'histogram', statistics: 'gram', weights: { content: 1, style: 30, tv: 1 } }

export const styleMethods: Record<string, StyleMethod> = {
  studio: { description: "the studio's defaults", options: () => ({}) },
  'studio-previous': {
    description: "the studio's defaults before the Laplacian term and the chroma blur (λ 0, chroma blur 0)",
    options: () => ({ laplacianWeight: 0, chromaBlur: 0 })
  },
  ...Object.fromEntries(
    [1, 3, 10].map((lambda) => [`studio-laplacian-${lambda}`, { description: `the studio's defaults with the Laplacian term at λ ${lambda}`, options: () => ({ laplacianWeight: lambda }) }])
  ),
  ...Object.fromEntries(
    [0, 0.25, 0.5].map((share) => [
      `studio-linear-lightness-${share}`,
      { description: `the studio's defaults, the palette step's lightness map ${share} linear (mean and deviation), the rest the histogram's rank map`, options: () => ({ linearLightness: share }) }
    ])
  ),
  'studio-chroma-blur-1': { description: "the studio's defaults with one pass of the chroma's 3×3 mean, not two", options: () => ({ chromaBlur: 1 }) },
  studioUnsmoothed: { description: "the studio's defaults without the chroma smoothing and blur steps", options: () => ({ chromaSmoothing: 0, chromaBlur: 0 }) },
  // Painted in turn here (style-quality.ts); two workers paint the same picture (test/unit/worker/styleTwoWorkers.test.ts).
  'studio-halves': { description: "the studio's defaults, scales of 256 px and more cut in two halves as for two workers", options: () => ({ splitWhole: true }) },
  before: { description: 'the defaults before issue 12 (SWAG, β 3, pixels)', options: () => before },
  decorrelated: { description: 'before, in decorrelated colour', options: () => ({ ...before, parameterisation: 'decorrelated' }) },
  fourier: { description: 'before, decorrelated colour and 1/f cosine basis', options: () => ({ ...before, parameterisation: 'fourier' }) },
  pyramid: { description: 'before, decorrelated colour and Laplacian pyramid', options: () => ({ ...before, parameterisation: 'pyramid' }) },
  moments: { description: 'before, palette by mean and covariance', options: () => ({ ...before, paletteMatch: 'moments' }) },
  histogram: { description: 'before, palette by sliced histogram matching', options: () => ({ ...before, paletteMatch: 'histogram' }) },
  fourierHistogram: { description: 'fourier + histogram', options: () => ({ ...before, parameterisation: 'fourier', paletteMatch: 'histogram' }) },
  fourierHistogramGram: {
    description: 'fourier + histogram, Gram β 30',
    options: () => ({ ...before, parameterisation: 'fourier', paletteMatch: 'histogram', statistics: 'gram', weights: { content: 1, style: 30, tv: 1 } })
  },
  fourierHistogramLr: { description: 'fourier + histogram, lr 0.05', options: () => ({ ...before, parameterisation: 'fourier', paletteMatch: 'histogram', learningRate: 0.05 }) },
  decorrelatedHistogram: { description: 'decorrelated + histogram', options: () => ({ ...before, parameterisation: 'decorrelated', paletteMatch: 'histogram' }) },
  fourierMoments: { description: 'fourier + moments', options: () => ({ ...before, parameterisation: 'fourier', paletteMatch: 'moments' }) },
  fourierHistogramContent3: {
    description: 'fourier + histogram, α 3',
    options: () => ({ ...before, parameterisation: 'fourier', paletteMatch: 'histogram', weights: { content: 3, style: 3, tv: 1 } })
  },
  fourierHistogramMixed2: {
    description: 'fourier + histogram, content at mixed2',
    options: () => ({ ...before, parameterisation: 'fourier', paletteMatch: 'histogram', contentLayer: 'mixed2' })
  },
  fourierHistogramTv03: {
    description: 'fourier + histogram, γ 0.3',
    options: () => ({ ...before, parameterisation: 'fourier', paletteMatch: 'histogram', weights: { content: 1, style: 3, tv: 0.3 } })
  },
  fhg: { description: 'fourier + histogram + Gram β 30', options: () => ({ ...fhg }) },
  fhgMoments: { description: 'fhg with moments', options: () => ({ ...fhg, paletteMatch: 'moments' }) },
  fhgContent3: { description: 'fhg, α 3', options: () => ({ ...fhg, weights: { content: 3, style: 30, tv: 1 } }) },
  fhgMixed2: { description: 'fhg, content at mixed2', options: () => ({ ...fhg, contentLayer: 'mixed2' }) },
  fhgTv03: { description: 'fhg, γ 0.3', options: () => ({ ...fhg, weights: { content: 1, style: 30, tv: 0.3 } }) },
  fhgArea: { description: 'fhg, the painting at the photo\'s area', options: (_, pair) => ({ ...fhg, styleScale: equalArea(pair) }) },
  fhgC3: { description: 'fourier + histogram + Gram β 30, α 3', options: () => ({ ...fhg, weights: { content: 3, style: 30, tv: 1 } }) },
  fmgC3: { description: 'fourier + moments + Gram β 30, α 3', options: () => ({ ...fhg, paletteMatch: 'moments', weights: { content: 3, style: 30, tv: 1 } }) },
  fhgC3Shift: { description: 'fhgC3 with shifted activations (−1) in the Gram', options: () => ({ ...fhg, weights: { content: 3, style: 30, tv: 1 }, gramShift: -1 }) },
  fhgC3EveryScale: { description: 'fhgC3, palette matched again at each scale', options: () => ({ ...fhg, weights: { content: 3, style: 30, tv: 1 }, paletteEveryScale: true }) },
  fhgC3Area: { description: 'fhgC3, the painting at the photo\'s area', options: (_, pair) => ({ ...fhg, weights: { content: 3, style: 30, tv: 1 }, styleScale: equalArea(pair) }) },
  fhgC3Min256: { description: 'fhgC3, coarsest scale 256 px', options: () => ({ ...fhg, weights: { content: 3, style: 30, tv: 1 }, minSide: 256 }) },
  dhg: { description: 'decorrelated + histogram + Gram β 30', options: () => ({ ...fhg, parameterisation: 'decorrelated' }) },
  pyramidHistogram: { description: 'pyramid + histogram', options: () => ({ ...before, parameterisation: 'pyramid', paletteMatch: 'histogram' }) }
}
