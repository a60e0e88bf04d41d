import { networkInputSides, type NetworkId } from '../../shared/networks'
import type { FeatureNetwork } from '../engine/network'
import type { OpHandlers } from './ops'
import { models } from './models'
import { decodeImage, type RgbImage } from '../image/decode'
import { encodePng } from '../image/encode'
import { LikenessError } from '../../shared/errors'
import type { KernelInfo } from '../../shared/api/explore'
import { convStackShapes } from '../explore/convLab'
import { photoKernel, signalKernel, volumeKernel, type LabKernel } from '../explore/convKernels'
import { convolvePhoto, convolveSignal, convolveVolume, volumeFromFrames, volumeSlices } from '../explore/convData'
import { featureMaps } from '../explore/featureMaps'
import { layerGeometry, middleLayer, toScanSize } from '../explore/networks'
import { unitGrid } from '../explore/patchGrid'
import { receptiveFieldOf } from '../explore/receptiveField'
import { scanImages } from '../explore/topPatches'

function requireTap(net: FeatureNetwork, layer: string): void {
  if (!net.tapLayers.includes(layer)) {
    throw new LikenessError('NotFound', `The ${net.id} network has no layer called ${layer} to look at.`, { layer, layers: net.tapLayers })
  }
}

// Decoding keeps at most four times the scan area: enough for any aspect ratio, and no 40-megapixel tensors.
async function scanImage(bytes: Uint8Array, id: NetworkId): Promise<RgbImage> {
  const side = networkInputSides[id]
  const { image } = await decodeImage(bytes, { maxPixels: 16 * side * side })
  return toScanSize(image, side)
}

function kernelInfo(kernel: LabKernel): KernelInfo {
  return { name: kernel.name, shape: kernel.shape, weights: Array.from(kernel.weights) }
}

type ExploreOp = Extract<keyof OpHandlers, `explore.${string}`>

export const exploreOps: Pick<OpHandlers, ExploreOp> = {
  'explore.layers': async ({ network: id, inputSize }) => {
    const net = await models.featureNetwork(id)
    const layers = layerGeometry(net, inputSize, inputSize).map(({ name, outputShape, receptiveField: field }) => ({
      name,
      outputShape,
      receptiveField: { height: field.height, width: field.width, stride: field.stride, global: field.global }
    }))
    return { network: id, inputSize, defaultLayer: middleLayer(net), layers }
  },

  'explore.scan': async ({ network: id, layer, images, firstImageIndex }, context) => {
    const net = await models.featureNetwork(id)
    requireTap(net, layer)
    const decoded: RgbImage[] = []
    for (const bytes of images) {
      context.throwIfCancelled()
      decoded.push(await scanImage(bytes, id))
    }
    const abort = new AbortController()
    const scan = await scanImages(net, layer, decoded, {
      firstImageIndex,
      signal: abort.signal,
      onImage: (done) => {
        if (context.isCancelled()) abort.abort()
        context.report({ done, total: images.length })
      }
    })
    return { scan, sizes: decoded.map(({ width, height }) => ({ width, height })) }
  },

  'explore.unitGrids': async ({ network: id, scan, units, images }) => {
    const net = await models.featureNetwork(id)
    const field = receptiveFieldOf(net.nodes, scan.layer)
    const decoded = new Map<number, RgbImage>()
    for (const [index, bytes] of Object.entries(images)) decoded.set(Number(index), await scanImage(bytes, id))
    const imageOf = (index: number): RgbImage => {
      const image = decoded.get(index)
      if (!image) throw new LikenessError('Internal', 'A patch comes from an image that was not sent.', { index })
      return image
    }
    const tiles = []
    for (const unit of units) {
      const grid = unitGrid(scan, unit, field, imageOf)
      tiles.push({
        unit,
        png: await encodePng(grid.image),
        width: grid.image.width,
        height: grid.image.height,
        layout: grid.layout,
        patches: grid.patches.map(({ hit, box }) => ({ imageIndex: hit.imageIndex, box, activation: hit.value }))
      })
    }
    return tiles
  },

  'explore.scanImage': async ({ network: id, image }) => {
    const scaled = await scanImage(image, id)
    return { png: await encodePng(scaled), width: scaled.width, height: scaled.height }
  },

  'explore.featureMaps': async ({ network: id, layer, image }) => {
    const net = await models.featureNetwork(id)
    requireTap(net, layer)
    const maps = await featureMaps(net, await scanImage(image, id), layer)
    return {
      png: await encodePng(maps.image),
      width: maps.image.width,
      height: maps.image.height,
      layout: maps.layout,
      channels: maps.channels,
      ranges: maps.ranges,
      mapHeight: maps.mapHeight,
      mapWidth: maps.mapWidth
    }
  },

  'explore.convShapes': async (spec) => convStackShapes(spec),

  'explore.convSignal': async ({ signal, kernel: name, seed }) => {
    const kernel = signalKernel(name, seed)
    return { output: convolveSignal(signal, kernel), kernel: kernelInfo(kernel) }
  },

  'explore.convPhoto': async ({ image, kernel: name, seed }) => {
    const kernel = photoKernel(name, seed)
    const { image: photo } = await decodeImage(image, { maxPixels: 1024 * 1024 })
    const { image: filtered, range } = convolvePhoto(photo, kernel)
    return { png: await encodePng(filtered), range, kernel: kernelInfo(kernel) }
  },

  'explore.convVolume': async ({ frames, kernel: name }) => {
    const kernel = volumeKernel(name)
    // Frames are scaled to a common small size: a volume is depth × area, and webcams differ.
    const decoded = await Promise.all(frames.map(async (bytes) => toScanSize((await decodeImage(bytes, { maxPixels: 1024 * 1024 })).image, 120)))
    const output = convolveVolume(volumeFromFrames(decoded), kernel)
    const { slices, range } = volumeSlices(output, kernel.display)
    return {
      slices: await Promise.all(slices.map(encodePng)),
      shape: { depth: output.depth, height: output.height, width: output.width },
      range,
      kernel: kernelInfo(kernel)
    }
  }
}
