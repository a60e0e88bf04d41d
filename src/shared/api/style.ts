import { z } from 'zod'
import { job, method } from '../method'
import { styleNetworks, type StyleNetwork } from '../networks'

/** Up to this many paintings blended into one style. */
export const maxStyles = 4

/** The long side of a history thumbnail, px: two rows of a 120-px grid on a high-density screen. */
export const styleThumbnailSide = 240

/** The long sides the studio offers, px: a screen, a wallpaper, a print. Any size from 32 to 2048 is accepted. */
export const printSizes = [512, 1024, 2048] as const

const imageBytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'bytes of an image').refine((b) => b.byteLength > 0 && b.byteLength <= 60 * 1024 * 1024, 'an image of 1 byte to 60 MB')
const id = z.string().min(1).max(100)
const weight = z.number().finite().min(0)
const layerName = z.string().min(1).max(100)

/**
 * How a style layer's Gram difference is scaled: 'target-norm' (default) divides each term by its
 * target's squared norm, so weights stay O(1) across networks and sizes; 'seed' is 1/(2·n_H·n_W·n_C)²
 * (the seed's and Gatys'); 'none' the raw squared Frobenius norm.
 */
export const normalisers = ['target-norm', 'seed', 'none'] as const
export type Normaliser = (typeof normalisers)[number]
/** Which statistics of a layer stand for style: Gram matrices of activations, or of their softmax over positions (SWAG). */
export const styleStatistics = ['gram', 'swag'] as const
export type StyleStatistics = (typeof styleStatistics)[number]
export const styleOptimizers = ['adam', 'lbfgs'] as const
/** G's start: the photo, uniform noise, or (1 − r)·C + r·U. */
export const initModes = ['noise', 'content', 'mix'] as const
export type InitMode = (typeof initModes)[number]
/**
 * - 'style': the result takes the painting's colours.
 * - 'transfer': optimise in colour, then put the result's luminance on the photo's chroma.
 * - 'luminance': optimise on luminance only (the painting's Y matched to the photo's mean and
 *   spread), then put that on the photo's chroma.
 */
export const colourModes = ['style', 'transfer', 'luminance'] as const
export type ColourMode = (typeof colourModes)[number]

/**
 * What the optimiser moves (Mordvintsev et al., Distill 2018): G's pixels; pixels in a decorrelated
 * colour space; that, in a cosine (Fourier) basis scaled by 1/frequency; or in a Laplacian pyramid.
 */
export const parameterisations = ['pixels', 'decorrelated', 'fourier', 'pyramid'] as const
export type Parameterisation = (typeof parameterisations)[number]
/**
 * How the painting's palette is brought when colour is 'style': the photo's colours matched to the
 * painting's in CIELAB before optimising, and the result's after: by mean and covariance
 * ('moments') or by the whole distribution ('histogram'); 'none' leaves it to the style loss.
 */
export const paletteMatches = ['none', 'moments', 'histogram'] as const
export type PaletteMatch = (typeof paletteMatches)[number]

const weightedLayer = z.object({ name: layerName, /** λ_l */ weight }).strict()
export type WeightedLayer = z.infer<typeof weightedLayer>
/** α (content), β (style), γ (total variation). */
const costWeights = z.object({ content: weight, style: weight, tv: weight }).strict()
export type CostWeights = z.infer<typeof costWeights>

/**
 * Every knob of the method, for the engine and the wire alike. Optional on the wire: what is not
 * given comes from the network's defaults, listed by `style.networks`.
 */
export const styleOptionsSchema = z
  .object({
    /** Longest side of the result, px. */
    size: z.number().int().min(32).max(2048),
    /** Iterations over all scales together. */
    iterations: z.number().int().min(1).max(5000),
    contentLayer: layerName,
    styleLayers: z.array(weightedLayer).min(1).max(32),
    weights: costWeights,
    normaliser: z.enum(normalisers),
    /** SWAG (default on InceptionV3 and MobileNetV2) or plain Gram. */
    statistics: z.enum(styleStatistics),
    /** SWAG temperature as a multiple of the style image's activation std per layer. */
    swagTemperature: z.number().finite().positive(),
    optimizer: z.enum(styleOptimizers),
    /** Adam's step on [0, 1] pixels. */
    learningRate: z.number().finite().positive(),
    init: z.enum(initModes),
    /** Share of uniform noise in a 'mix' start. */
    noiseRatio: z.number().min(0).max(1),
    /** Coarse-to-fine scales from `minSide` up to `size`, or one scale at `size`. */
    multiScale: z.boolean(),
    minSide: z.number().int().min(32).max(2048),
    /** Iterations at each scale as a share of the next coarser scale's: 1 gives every scale as many. */
    fineShare: z.number().min(0.05).max(1),
    /** Reflect padding around the image before the network, px. */
    padding: z.number().int().min(0).max(31),
    /** Random shift of the image, 0…maxShift px each way. */
    maxShift: z.number().int().min(0).max(8),
    /**
     * A new shift every this many iterations. L-BFGS evaluates both ends of a curvature pair at one
     * shift, so a new shift costs it an extra forward and backward pass; Adam pays nothing.
     */
    shiftEvery: z.number().int().min(1).max(1000),
    colour: z.enum(colourModes),
    paletteMatch: z.enum(paletteMatches),
    parameterisation: z.enum(parameterisations),
    /**
     * With colour 'style': the result's chroma guided-filtered by its own luminance over windows of
     * this radius (px), which takes out the fine colour noise the networks paint; 0 leaves it.
     */
    chromaSmoothing: z.number().int().min(0).max(8),
    /**
     * With colour 'style', after the smoothing: this many passes of a 3×3 mean over the chroma, which
     * does not follow the luminance, for the colour grain the smoothing keeps; 0 leaves it.
     */
    chromaBlur: z.number().int().min(0).max(8),
    /**
     * λ of the Laplacian term (Li et al. 2017): the photo's Laplacian after 4× and 16× average
     * pooling kept in G, so its fine structure survives the style term; 0 leaves it out.
     */
    laplacianWeight: weight,
    /** Size of the painting relative to the result: 2 makes its strokes half as large in the result. */
    styleScale: z.number().positive().max(4),
    /** A preview (and a point of the loss chart's detail) every this many iterations. */
    previewEvery: z.number().int().min(1).max(1000),
    /** Seeds the start noise and the shifts: the same options give the same picture. */
    seed: z.number().int().min(0).max(2 ** 31)
  })
  .strict()

export type StyleOptions = z.infer<typeof styleOptionsSchema>

/**
 * L-BFGS evaluates both ends of a curvature pair at one shift, so each new shift costs it an extra
 * pass: with a new shift every 10 iterations it reached the naive reference's J 7.5× sooner
 * (bench/style.ts), against 2.5× with one every iteration. Used when L-BFGS is chosen without a
 * shift interval.
 */
export const lbfgsShiftEvery = 10

export interface StyleNetworkInfo {
  id: StyleNetwork
  label: string
  /** Shipped inside the app (an npm package) rather than downloaded. */
  bundled: boolean
  /** Ready to use: bundled, or its weights file is in the data folder. */
  available: boolean
  /** Layers that can be chosen for content or style, shallow to deep. */
  layers: string[]
  defaults: StyleOptions
  /** For a network that is downloaded: what and how much. */
  download?: { url: string; fileName: string; bytes: number; md5: string }
}

export interface StyleLosses {
  content: number
  style: number
  tv: number
  /** α·content + β·style + γ·tv, plus λ·J_laplacian when the Laplacian term is on. */
  total: number
}

export interface LossPoint extends StyleLosses {
  iteration: number
}

/** One entry of the studio's history. */
export interface StyleResultSummary {
  id: string
  /** The job that made it: a view finds a cancelled run's result by it. */
  jobId: string
  createdAt: number
  network: StyleNetwork
  width: number
  height: number
  /** All iterations that went into the picture, resumed runs included. */
  iterations: number
  /** False when the run was cancelled before its last iteration. */
  complete: boolean
  /** The run it continued, if it was a resume. */
  resumedFrom?: string
  seconds: number
  losses: StyleLosses
}

/** A reopened result: its picture, everything needed to run it again, and its loss curve. */
export interface StyleResultDetail {
  summary: StyleResultSummary
  image: Uint8Array
  content: Uint8Array
  styles: { image: Uint8Array; weight: number }[]
  options: StyleOptions
  history: LossPoint[]
}

/**
 * How good a picture is (issue 12; src/main/style/quality.ts): palette (1 = the photo's colours,
 * 0 = the painting's), chroma speckle (1 = as busy in colour as the painting), structure (1 = the
 * photo's edges exactly). Measured against the painting with the largest weight.
 */
export interface StyleQuality {
  palette: number
  chromaSpeckle: number
  structure: number
}

/** What a stylize job ends with (a cancelled run is saved too, and found by its job id). */
export interface StyleRunResult {
  result: StyleResultSummary
  lossStart: number
  lossEnd: number
  quality: StyleQuality
}

export interface ModelInstallResult {
  network: StyleNetworkInfo
  bytes: number
  md5: string
}

export const styleMethods = {
  /** The networks, which are available, their layers and default settings. */
  'style.networks': method<StyleNetworkInfo[]>()(z.object({}).strict()),
  /** Starts a stylize job on the batch lane: progress carries a PNG preview and the loss terms. */
  'style.start': job<StyleRunResult>()(
    z
      .object({
        content: imageBytes,
        styles: z.array(z.object({ image: imageBytes, weight }).strict()).min(1).max(maxStyles),
        network: z.enum(styleNetworks),
        options: styleOptionsSchema.partial().optional()
      })
      .strict()
  ),
  /** Continues a saved (finished or cancelled) run from its picture for more iterations: a new result. */
  'style.resume': job<StyleRunResult>()(z.object({ resultId: id, iterations: z.number().int().min(1).max(5000) }).strict()),
  'style.history': method<StyleResultSummary[]>()(z.object({}).strict()),
  'style.result': method<StyleResultDetail>()(z.object({ resultId: id }).strict()),
  /** A small JPEG of a result (at most `styleThumbnailSide` px), for the history: made once, then kept beside the result. */
  'style.thumbnail': method<Uint8Array>()(z.object({ resultId: id }).strict()),
  'style.delete': method<{ removed: boolean }>()(z.object({ resultId: id }).strict()),
  /** Downloads VGG19's weights once into the data folder (resumable, checksum verified): a job. */
  'style.downloadVgg19': job<ModelInstallResult>()(z.object({}).strict()),
  /** Installs VGG19's weights from a file on this machine (offline machines), checksum verified. */
  'style.importVgg19': method<ModelInstallResult>()(z.object({ path: z.string().min(1).max(4096) }).strict())
}
