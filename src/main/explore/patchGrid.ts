import * as tf from '@tensorflow/tfjs'
import type { RgbImage } from '../image/decode'
import { LikenessError } from '../../shared/errors'
import { blankImage, gridImage, paste, type GridLayout } from './grid'
import { patchBox, type ReceptiveField } from './receptiveField'
import type { TopPatchScan, UnitHit } from './topPatches'
import type { PatchRect } from '../../shared/api/explore'

export interface UnitPatch {
  hit: UnitHit
  /** Where the patch sits in its source image, for outlining it there. */
  box: PatchRect
}

/** One unit's strongest patches as a picture (3×3 for nine), strongest first, row by row. */
export interface UnitGrid {
  unit: number
  image: RgbImage
  patches: UnitPatch[]
  layout: GridLayout
}

export interface UnitGridOptions {
  /** Side of each square tile in pixels. */
  tile?: number
  gap?: number
}

const background: [number, number, number] = [32, 32, 32]
const letterbox: [number, number, number] = [96, 96, 96]

/** The pixels of `image` inside `box`. */
export function cutPatch(image: RgbImage, box: PatchRect): RgbImage {
  const data = new Uint8Array(box.width * box.height * 3)
  const rowBytes = box.width * 3
  for (let y = 0; y < box.height; y++) {
    const from = ((box.top + y) * image.width + box.left) * 3
    data.set(image.data.subarray(from, from + rowBytes), y * rowBytes)
  }
  return { width: box.width, height: box.height, data }
}

/**
 * Scales a patch so its longer side fills a square tile, keeping its shape (a patch clipped at
 * a border is narrower than the field), centred on grey. Small fields of early layers are
 * enlarged with nearest-neighbour so their few pixels stay visible as pixels; large fields are
 * shrunk bilinearly.
 */
export function fitIntoTile(patch: RgbImage, tile: number): RgbImage {
  const scale = tile / Math.max(patch.width, patch.height)
  const height = Math.max(1, Math.round(patch.height * scale))
  const width = Math.max(1, Math.round(patch.width * scale))
  const resized = tf.tidy(() => {
    const pixels = tf.tensor3d(patch.data, [patch.height, patch.width, 3], 'int32').toFloat()
    const out = scale >= 1 ? tf.image.resizeNearestNeighbor(pixels, [height, width], false, true) : tf.image.resizeBilinear(pixels, [height, width], false, true)
    return out.round().clipByValue(0, 255).toInt()
  })
  const scaled: RgbImage = { width, height, data: Uint8Array.from(resized.dataSync()) }
  resized.dispose()
  const canvas = blankImage(tile, tile, letterbox)
  paste(canvas, scaled, Math.floor((tile - height) / 2), Math.floor((tile - width) / 2))
  return canvas
}

/**
 * A unit's top patches, each its receptive field around the arg-max position clipped at the
 * borders of its source image, laid out in a square grid. `imageOf` returns the image the
 * scan saw under that index, at the size it was scanned.
 */
export function unitGrid(
  scan: TopPatchScan,
  unit: number,
  field: ReceptiveField,
  imageOf: (imageIndex: number) => RgbImage,
  options: UnitGridOptions = {}
): UnitGrid {
  const hits = scan.units[unit]
  if (!hits) throw new LikenessError('NotFound', `Layer ${scan.layer} has no unit ${unit}.`, { unit, units: scan.units.length })
  const tile = options.tile ?? 64
  const columns = Math.ceil(Math.sqrt(scan.perUnit))
  const layout: GridLayout = {
    columns,
    rows: Math.ceil(scan.perUnit / columns),
    cellWidth: tile,
    cellHeight: tile,
    gap: options.gap ?? 2
  }
  const patches = hits.map((hit) => {
    const source = imageOf(hit.imageIndex)
    return { hit, box: patchBox(field, hit.y, hit.x, source.height, source.width), source }
  })
  const tiles = patches.map(({ box, source }) => fitIntoTile(cutPatch(source, box), tile))
  return { unit, image: gridImage(tiles, layout, background), patches: patches.map(({ hit, box }) => ({ hit, box })), layout }
}
