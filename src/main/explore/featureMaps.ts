import * as tf from '@tensorflow/tfjs'
import type { FeatureNetwork } from '../engine/network'
import type { RgbImage } from '../image/decode'
import { imageToTensor } from '../image/tensor'
import { LikenessError } from '../../shared/errors'
import { gridImage, type GridLayout } from './grid'
import { heatIndex, viridisTable } from './heatColour'

export interface ValueRange {
  min: number
  max: number
}

/** Every channel of one layer for one image, as heat maps in a grid. */
export interface FeatureMapGrid {
  image: RgbImage
  layout: GridLayout
  /** channels[i] is the channel drawn in cell i (cells row by row). */
  channels: number[]
  /** By channel index: the values its colours span, from dark violet (min) to yellow (max). */
  ranges: ValueRange[]
  /** Feature-map size before enlarging. */
  mapHeight: number
  mapWidth: number
}

export interface FeatureMapOptions {
  /** 'activation': strongest mean first, so dead channels sink to the end; 'index': channel order. */
  order?: 'index' | 'activation'
  /** Whole-pixel enlargement of each map; by default small maps grow to at least 32 pixels. */
  scale?: number
  gap?: number
}

const background: [number, number, number] = [255, 255, 255]
const minimumCell = 32

/**
 * Activations [h, w, c] → one heat map per channel. Each map is normalised to its own range,
 * since channels differ by orders of magnitude and a shared scale would leave most of them black.
 */
export async function featureMapGrid(activations: tf.Tensor3D, options: FeatureMapOptions = {}): Promise<FeatureMapGrid> {
  const [mapHeight, mapWidth, channelCount] = activations.shape
  const values = await activations.data()
  const ranges: ValueRange[] = Array.from({ length: channelCount }, () => ({ min: Infinity, max: -Infinity }))
  const means = new Float64Array(channelCount)
  for (let i = 0; i < values.length; i++) {
    const range = ranges[i % channelCount]
    range.min = Math.min(range.min, values[i])
    range.max = Math.max(range.max, values[i])
    means[i % channelCount] += values[i] / (mapHeight * mapWidth)
  }
  const channels = Array.from({ length: channelCount }, (_, channel) => channel)
  if ((options.order ?? 'activation') === 'activation') channels.sort((a, b) => means[b] - means[a] || a - b)
  const scale = options.scale ?? Math.max(1, Math.ceil(minimumCell / Math.max(mapHeight, mapWidth)))
  const columns = Math.ceil(Math.sqrt(channelCount))
  const layout: GridLayout = {
    columns,
    rows: Math.ceil(channelCount / columns),
    cellWidth: mapWidth * scale,
    cellHeight: mapHeight * scale,
    gap: options.gap ?? 2
  }
  const cells = channels.map((channel) => heatMap(values, channel, channelCount, mapHeight, mapWidth, ranges[channel], scale))
  return { image: gridImage(cells, layout, background), layout, channels, ranges, mapHeight, mapWidth }
}

// One channel of an interleaved [h, w, c] array, coloured and enlarged by whole pixels.
function heatMap(values: ArrayLike<number>, channel: number, channels: number, height: number, width: number, range: ValueRange, scale: number): RgbImage {
  const image: RgbImage = { width: width * scale, height: height * scale, data: new Uint8Array(width * height * scale * scale * 3) }
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const value = values[(Math.floor(y / scale) * width + Math.floor(x / scale)) * channels + channel]
      const entry = heatIndex(value, range.min, range.max) * 3
      image.data.set(viridisTable.subarray(entry, entry + 3), (y * image.width + x) * 3)
    }
  }
  return image
}

/** The feature maps of one image at one layer of a network. */
export async function featureMaps(network: FeatureNetwork, image: RgbImage, layer: string, options: FeatureMapOptions = {}): Promise<FeatureMapGrid> {
  if (!network.nodes.some((node) => node.name === layer)) {
    throw new LikenessError('NotFound', `The ${network.id} network has no layer called ${layer}.`, { layer })
  }
  const activations = tf.tidy(() => network.forward(imageToTensor(image).expandDims(0) as tf.Tensor4D, [layer])[layer].squeeze([0]) as tf.Tensor3D)
  try {
    return await featureMapGrid(activations, options)
  } finally {
    activations.dispose()
  }
}
