import * as tf from '@tensorflow/tfjs'
import type { LossPoint, StyleLosses } from '../../shared/api/style'
import type { FeatureNetwork } from '../engine/network'
import type { RgbImage } from '../image/decode'
import { imageToTensor, tensorToImage } from '../image/tensor'
import { luminanceImage, transferLuminance } from './colour'
import { blurChroma, smoothChroma } from './chromaSmoothing'
import { largestRegionSide, regionFitsBackend } from './heapBudget'
import { matchPalette, paletteOf, type Palette } from './palette'
import { paintInTurn, regionSettingsOf, type RegionPainter, type RegionWork } from './region'
import { fitLongestSide, resizeImages } from './resize'
import { scaleStages, type Stage } from './schedule'
import type { StyleParams } from './settings'
import { styleTargets, type StyleLayerTarget } from './targets'
import { blendTiles, cutTile, halves, tileGrid, type Tile } from './tiles'
import { minResultShortSide, validateStyleParams } from './validate'

export interface StylizeHooks {
  /**
   * After every iteration (1-based over all scales), with J where that iteration started. At a
   * scale painted in tiles an iteration is one step's worth of work over the whole picture (as many
   * tile steps as there are tiles), and J the mean over those steps.
   */
  onProgress?(iteration: number, losses: StyleLosses, preview?: RgbImage): void
  /** Polled before every step; true stops the run with LikenessError('Cancelled'). */
  isCancelled?(): boolean
  /** Who paints a scale's regions: this worker in turn unless given (the worker pool lends others). */
  regions?: RegionPainter
}

export interface LossRecord extends LossPoint {
  /** Size of the scale the iteration ran at. */
  width: number
  height: number
}

/** One scale as it ran: its regions, the engine worker that painted each, and its seconds. */
export interface ScaleRecord {
  width: number
  height: number
  iterations: number
  regions: { tile: Tile; worker: number; cpuSeconds?: number }[]
  seconds: number
}

export interface StylizeResult {
  image: RgbImage
  history: LossRecord[]
  scales: ScaleRecord[]
}

/**
 * The guided filter's ε on Y in [0, 1]: a brightness step of more than about √ε ≈ 0.03 (8 grey
 * levels) across a window keeps the colour edge along it.
 */
const chromaEdge = 1e-3

/** Neighbouring tiles share this many pixels, across which they are blended. */
export const tileOverlap = 64
/** No tile is planned smaller than this: below it the overlaps would be most of the tile. */
const minimumTileSide = 4 * tileOverlap
/**
 * A scale the heap holds whole is split in two halves for two workers only from this size: below
 * it the overlap would be most of each half.
 */
const minimumSplitSide = 4 * tileOverlap
/**
 * Whether such a scale is split when a second worker can help. Measured (README, "Pictures worth
 * keeping"): at 1024 px the two workers' CPU seconds add up to the same as without halves while the
 * slower worker's fall from 148 to 117 s; at 512 px over four pairs the quality figures' means
 * move by 0.024 at most (chroma speckle, down).
 */
const splitWholeByDefault = true

/**
 * Gatys et al.'s method: minimise J(G) = α·J_content + β·J_style + γ·TV over a parameterisation of
 * G, coarse to fine, the network seeing G reflect-padded and randomly shifted. A scale the wasm
 * heap cannot hold whole is painted in overlapping tiles. With colour 'style' and a palette match,
 * the photo is first recoloured to the painting's palette, and so is the result.
 */
export async function stylize(params: StyleParams, network: FeatureNetwork, hooks: StylizeHooks = {}): Promise<StylizeResult> {
  validateStyleParams(params, network)
  const tileSide = params.tileSide ?? largestRegionSide(network, params, minimumTileSide)
  const stages = scaleStages(params.content, params.size, params.iterations, {
    multiScale: params.multiScale,
    minSide: params.minSide,
    minShortSide: minResultShortSide,
    fineShare: params.fineShare
  })
  const palette = params.colour === 'style' && params.paletteMatch !== 'none' ? paletteOf(params.styles) : undefined
  const run: Run = {
    params,
    network,
    hooks,
    tileSide,
    palette,
    // The photo in the painting's palette is what the network sees as content and where G starts.
    content: tf.tidy(() => {
      const photo = asBatch(params.content)
      return palette ? recolour(photo, palette, params) : photo
    }),
    styles: params.styles.map((s) => asBatch(s.image)),
    history: [],
    scales: [],
    iteration: 0,
    painter: hooks.regions ?? paintInTurn(regionSettingsOf(params), network)
  }
  let generated: tf.Tensor4D | undefined
  try {
    for (const [index, stage] of stages.entries()) {
      const painted = await paintScale(run, stage, index, generated)
      generated?.dispose()
      generated = painted
    }
    if (palette) {
      const recoloured = recolour(generated as tf.Tensor4D, palette, params)
      generated?.dispose()
      generated = recoloured
    }
    if (params.colour === 'style' && params.chromaSmoothing > 0) {
      const smoothed = smoothChroma(generated as tf.Tensor4D, params.chromaSmoothing, chromaEdge)
      generated?.dispose()
      generated = smoothed
    }
    if (params.colour === 'style' && params.chromaBlur > 0) {
      const blurred = blurChroma(generated as tf.Tensor4D, params.chromaBlur)
      generated?.dispose()
      generated = blurred
    }
    const final = generated as tf.Tensor4D
    const colourContent = resizeImages(run.content, final.shape[1], final.shape[2])
    try {
      return { image: await picture(final, colourContent, params.colour), history: run.history, scales: run.scales }
    } finally {
      colourContent.dispose()
    }
  } finally {
    tf.dispose([run.content, ...run.styles])
    generated?.dispose()
  }
}

/** What every scale of one run shares. */
interface Run {
  params: StyleParams
  network: FeatureNetwork
  hooks: StylizeHooks
  /** The largest square tile the heap holds (Infinity off wasm). */
  tileSide: number
  palette?: Palette
  content: tf.Tensor4D
  styles: tf.Tensor4D[]
  history: LossRecord[]
  scales: ScaleRecord[]
  /** Iterations reported so far, over all scales. */
  iteration: number
  painter: RegionPainter
}

/**
 * One scale: style targets from the painting at this size, then G painted from `previous`
 * (upsampled; the start image at the first scale), whole or in regions. The regions are
 * independent given the targets, so the painter may paint them on several workers at once; an
 * iteration is reported when the regions have made, between them, one step each.
 */
async function paintScale(run: Run, stage: Stage, stageIndex: number, previous: tf.Tensor4D | undefined): Promise<tf.Tensor4D> {
  const { params } = run
  const started = performance.now()
  const colourContent = resizeImages(run.content, stage.height, stage.width)
  const networkContent = params.colour === 'luminance' ? luminanceImage(colourContent) : colourContent.clone()
  const start = previous ? upsampled(run, previous, stage) : initialImage(params, networkContent)
  const targets = scaleStyleTargets(run, stage, colourContent)
  const regions = await scaleRegions(run, stage)
  const whole = regions.length === 1
  const works: RegionWork[] = regions.map((tile, t) => ({
    start: whole ? start.clone() : cutTile(start, tile),
    content: whole ? networkContent.clone() : cutTile(networkContent, tile),
    styleTargets: targets,
    iterations: stage.iterations,
    seed: params.seed + 1009 * stageIndex + t,
    // A coarser scale's Nyquist frequency, ½ cycle per its pixel, in this scale's pixels.
    coarserFrequency: previous ? (0.5 * Math.max(previous.shape[1], previous.shape[2])) / Math.max(stage.width, stage.height) : undefined
  }))
  // Each region's G as last reported: previews and a cancelled run blend these.
  const latest = works.map((work) => work.start.clone())
  const reached = regions.map(() => 0)
  const window: StyleLosses[] = []
  let reported = 0
  try {
    const painted = await run.painter.paint(works, {
      isCancelled: run.hooks.isCancelled,
      onStep: async (t, step, losses, image) => {
        latest[t].dispose()
        latest[t] = image.clone()
        window.push(losses)
        reached[t] = Math.max(reached[t], step + 1)
        if (Math.floor(reached.reduce((a, b) => a + b, 0) / regions.length) <= reported) return
        reported++
        const mean = meanLosses(window.splice(0))
        run.iteration++
        run.history.push({ iteration: run.iteration, width: stage.width, height: stage.height, ...mean })
        const wantsPreview = run.iteration % params.previewEvery === 0 || reported === stage.iterations
        let preview: RgbImage | undefined
        if (wantsPreview) {
          const blended = whole ? latest[0].clone() : blendTiles(stage.width, stage.height, regions.map((tile, i) => ({ tile, image: latest[i] })))
          try {
            preview = await picture(blended, colourContent, params.colour)
          } finally {
            blended.dispose()
          }
        }
        run.hooks.onProgress?.(run.iteration, mean, preview)
      }
    })
    try {
      run.scales.push({
        width: stage.width,
        height: stage.height,
        iterations: stage.iterations,
        regions: regions.map((tile, i) => ({ tile, worker: painted[i].worker, cpuSeconds: painted[i].cpuSeconds })),
        seconds: (performance.now() - started) / 1000
      })
      return whole ? painted[0].image.clone() : blendTiles(stage.width, stage.height, regions.map((tile, i) => ({ tile, image: painted[i].image })))
    } finally {
      tf.dispose(painted.map((p) => p.image))
    }
  } finally {
    tf.dispose([...latest, ...works.flatMap((w) => [w.start, w.content]), start, colourContent, networkContent, ...targets.map((t) => t.gramPerPosition)])
  }
}

/**
 * The scale whole when the heap holds it, else overlapping tiles; whole but large enough, in two
 * halves when another worker can paint one (`splitWhole`).
 */
async function scaleRegions(run: Run, stage: Stage): Promise<Tile[]> {
  const { params, network } = run
  const fits = params.tileSide === undefined ? regionFitsBackend(network, stage, params) : Math.max(stage.width, stage.height) <= params.tileSide
  if (!fits) return tileGrid(stage.width, stage.height, run.tileSide, tileOverlap)
  const wholeTile = [{ x: 0, y: 0, width: stage.width, height: stage.height }]
  const split = (params.splitWhole ?? splitWholeByDefault) && Math.max(stage.width, stage.height) >= minimumSplitSide
  return split && (await run.painter.parallel()) > 1 ? halves(stage.width, stage.height, tileOverlap) : wholeTile
}

/**
 * The painting(s) at this scale's style size, seen through the network for their Gram (or SWAG)
 * targets. A painting too large for the heap is seen in tiles whose per-position statistics are
 * averaged by area: a Gram matrix is a sum over positions.
 */
function scaleStyleTargets(run: Run, stage: Stage, colourContent: tf.Tensor4D): StyleLayerTarget[] {
  const { params, network } = run
  const luminanceOnly = params.colour === 'luminance'
  const styleLongest = Math.round(params.styleScale * Math.max(stage.width, stage.height))
  const pieces: { image: tf.Tensor4D; weight: number }[] = []
  try {
    run.styles.forEach((style, i) => {
      const size = styleSize(style.shape[2], style.shape[1], styleLongest)
      const image = tf.tidy(() => {
        const resized = resizeImages(style, size.height, size.width)
        return luminanceOnly ? luminanceImage(resized, colourContent) : resized
      })
      const tiles = regionFitsBackend(network, size, params) ? [{ x: 0, y: 0, ...size }] : tileGrid(size.width, size.height, run.tileSide, 0)
      for (const tile of tiles) {
        const area = (tile.width * tile.height) / (size.width * size.height)
        pieces.push({ image: tf.tidy(() => framePadded(cutTile(image, tile), params.padding)), weight: params.styles[i].weight * area })
      }
      image.dispose()
    })
    return styleTargets(network, pieces, params.styleLayers, params.statistics, params.swagTemperature, params.gramShift ?? 0)
  } finally {
    tf.dispose(pieces.map((p) => p.image))
  }
}

/** The previous scale's G at this scale's size (recoloured again when asked). */
function upsampled(run: Run, previous: tf.Tensor4D, stage: Stage): tf.Tensor4D {
  return tf.tidy(() => {
    const image = resizeImages(previous, stage.height, stage.width)
    return run.palette && run.params.paletteEveryScale ? recolour(image, run.palette, run.params) : image
  })
}

function recolour(images: tf.Tensor4D, palette: Palette, params: StyleParams): tf.Tensor4D {
  return params.paletteMatch === 'none' ? images.clone() : matchPalette(images, palette, params.paletteMatch, params.linearLightness)
}

function meanLosses(losses: readonly StyleLosses[]): StyleLosses {
  const mean = (key: keyof StyleLosses): number => losses.reduce((sum, l) => sum + l[key], 0) / losses.length
  return { content: mean('content'), style: mean('style'), tv: mean('tv'), total: mean('total') }
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
