import * as tf from '@tensorflow/tfjs'
import type { FeatureNetwork } from '../engine/network'
import type { RgbImage } from '../image/decode'
import { imageToTensor } from '../image/tensor'
import { LikenessError } from '../../shared/errors'

/**
 * A unit's strongest response in one image. Following Zeiler & Fergus, each image counts once
 * per unit, at its arg-max position (ties: the first in row-major order), so a unit's nine
 * patches come from nine different images rather than nine neighbouring positions of one.
 */
export interface UnitHit {
  imageIndex: number
  /** Position in the layer's feature map. */
  y: number
  x: number
  value: number
}

/** The running top patches of every unit of one layer over the images scanned so far. */
export interface TopPatchScan {
  layer: string
  /** Patches kept per unit: nine for a 3×3 grid. */
  perUnit: number
  /** One list per unit (channel), strongest first; equal values go to the lower image index. */
  units: UnitHit[][]
  /** How many images have been folded in. */
  images: number
}

export interface ScanOptions {
  perUnit?: number
  /** Index of images[0] in the whole set, so that partial scans of a split set can be merged. */
  firstImageIndex?: number
  signal?: AbortSignal
  /** Called after each image with how many of `images` are done. */
  onImage?: (done: number) => void
}

export const patchesPerUnit = 9

function emptyScan(layer: string, channels: number, perUnit = patchesPerUnit): TopPatchScan {
  return { layer, perUnit, units: Array.from({ length: channels }, () => []), images: 0 }
}

function strongerFirst(a: UnitHit, b: UnitHit): number {
  return b.value - a.value || a.imageIndex - b.imageIndex
}

function keepStrongest(hits: UnitHit[], perUnit: number): UnitHit[] {
  return hits.sort(strongerFirst).slice(0, perUnit)
}

/**
 * The scan of the union of two disjoint image sets: per unit, the strongest `perUnit` of both
 * lists. Merging is associative and commutative, so a set can be spread over workers.
 */
export function mergeScans(a: TopPatchScan, b: TopPatchScan): TopPatchScan {
  if (a.layer !== b.layer || a.perUnit !== b.perUnit || a.units.length !== b.units.length) {
    throw new LikenessError('BadRequest', 'Only scans of the same layer with the same patch count can be merged.', {
      layers: [a.layer, b.layer],
      units: [a.units.length, b.units.length]
    })
  }
  const units = a.units.map((hitsA, unit) => {
    const hitsB = b.units[unit]
    const seen = new Set(hitsA.map((hit) => hit.imageIndex))
    const shared = hitsB.find((hit) => seen.has(hit.imageIndex))
    if (shared) {
      throw new LikenessError('BadRequest', 'Two scans to be merged both contain the same image.', { imageIndex: shared.imageIndex })
    }
    return keepStrongest([...hitsA, ...hitsB], a.perUnit)
  })
  return { layer: a.layer, perUnit: a.perUnit, units, images: a.images + b.images }
}

/**
 * Folds a batch of activations [n, h, w, c] of images firstImageIndex … firstImageIndex + n − 1
 * into the scan. Only each image's per-unit maximum and its position leave the engine.
 */
async function foldActivations(scan: TopPatchScan, activations: tf.Tensor4D, firstImageIndex: number): Promise<TopPatchScan> {
  const [n, , width, channels] = activations.shape
  if (channels !== scan.units.length) {
    throw new LikenessError('BadRequest', `The layer has ${channels} units but the scan holds ${scan.units.length}.`)
  }
  const [maxima, positions] = tf.tidy(() => {
    const flat = activations.reshape([n, -1, channels])
    return [flat.max(1), flat.argMax(1)]
  })
  const values = await maxima.data()
  const flatPositions = await positions.data()
  tf.dispose([maxima, positions])
  const batch: TopPatchScan = emptyScan(scan.layer, channels, scan.perUnit)
  for (let image = 0; image < n; image++) {
    for (let unit = 0; unit < channels; unit++) {
      const at = image * channels + unit
      const position = flatPositions[at]
      batch.units[unit].push({
        imageIndex: firstImageIndex + image,
        y: Math.floor(position / width),
        x: position % width,
        value: values[at]
      })
    }
  }
  batch.units = batch.units.map((hits) => keepStrongest(hits, scan.perUnit))
  batch.images = n
  return mergeScans(scan, batch)
}

/**
 * Scans images one at a time (their sizes may differ) through `network` up to `layer`.
 * A worker runs this over its share of a set; the shares' scans are then merged.
 */
export async function scanImages(network: FeatureNetwork, layer: string, images: readonly RgbImage[], options: ScanOptions = {}): Promise<TopPatchScan> {
  const node = network.nodes.find((candidate) => candidate.name === layer)
  if (!node) throw new LikenessError('NotFound', `The ${network.id} network has no layer called ${layer}.`, { layer })
  const firstImageIndex = options.firstImageIndex ?? 0
  let scan = emptyScan(layer, node.channels, options.perUnit)
  for (const [i, image] of images.entries()) {
    if (options.signal?.aborted) throw new LikenessError('Cancelled', 'The scan was cancelled.')
    const activations = tf.tidy(() => network.forward(imageToTensor(image).expandDims(0) as tf.Tensor4D, [layer])[layer])
    try {
      scan = await foldActivations(scan, activations, firstImageIndex + i)
    } finally {
      activations.dispose()
    }
    options.onImage?.(i + 1)
  }
  return scan
}
