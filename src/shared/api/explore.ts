import { z } from 'zod'
import { job, method } from '../method'
import { networkIds, type NetworkId } from '../networks'


export const signalKernels = ['edge', 'box', 'gaussian', 'random'] as const
export const photoKernels = ['sobelX', 'sobelY', 'blur', 'sharpen', 'random'] as const
export const volumeKernels = ['temporalDifference', 'smooth'] as const

const imageBytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array && v.byteLength > 0 && v.byteLength <= 60 * 1024 * 1024, 'bytes of an image')
const floats = z.custom<Float32Array>((v) => v instanceof Float32Array && v.length > 0 && v.length <= 1 << 22, 'a Float32Array of 1 to 4M samples')
const layerName = z.string().min(1).max(200)
const scanId = z.string().min(1).max(100)

/** The images a scan looks at: the gallery's photos, a folder on disk, or the photos shipped in face-api's npm package. */
const imageSetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('gallery') }).strict(),
  z.object({ kind: z.literal('samples') }).strict(),
  z.object({ kind: z.literal('folder'), path: z.string().min(1).max(4096) }).strict()
])
export type ImageSet = z.infer<typeof imageSetSchema>

/** Input pixels one unit sees, and how far apart neighbouring units look. */
export interface FieldInfo {
  height: number
  width: number
  stride: number
  /** From a global pool on: the unit sees the whole image. */
  global: boolean
}

export interface LayerInfo {
  name: string
  /** [height, width, channels] for the asked input size. */
  outputShape: [number, number, number]
  receptiveField: FieldInfo
}

export interface NetworkLayers {
  network: NetworkId
  inputSize: number
  /** The middle layer: what a scan uses when none is named. */
  defaultLayer: string
  layers: LayerInfo[]
}

/** Where a patch sits in its source image (as scanned), pixels. */
export interface PatchRect {
  top: number
  left: number
  height: number
  width: number
}

export interface ScanSummary {
  scanId: string
  network: NetworkId
  layer: string
  units: number
  images: number
  patchesPerUnit: number
  receptiveField: FieldInfo
  /** True when the stored scan of an unchanged set was reused. */
  cached: boolean
  seconds: number
}

export interface UnitPatchInfo {
  /** Index of the source image in the scan (for explore.source / explore.featureMaps). */
  imageIndex: number
  /** What the user knows the image by: its file name or gallery photo. */
  imageName: string
  box: PatchRect
  activation: number
}

export interface UnitTile {
  unit: number
  /** PNG of the unit's patches, strongest first, row by row. */
  png: Uint8Array
  width: number
  height: number
  layout: { columns: number; rows: number; cellWidth: number; cellHeight: number; gap: number }
  patches: UnitPatchInfo[]
}

export interface UnitPage {
  scanId: string
  layer: string
  totalUnits: number
  tiles: UnitTile[]
}

export interface SourceImage {
  png: Uint8Array
  width: number
  height: number
  imageName: string
}

export interface FeatureMapsResult {
  png: Uint8Array
  width: number
  height: number
  layout: { columns: number; rows: number; cellWidth: number; cellHeight: number; gap: number }
  /** channels[i] is drawn in cell i. */
  channels: number[]
  /** By channel: the value range its colours span (viridis, dark = min). */
  ranges: { min: number; max: number }[]
  mapHeight: number
  mapWidth: number
}

/** A layer's shapes as the engine produced them, batch axis left out. */
export interface ConvLayerResult {
  inputShape: number[]
  /** Kernel sides, input channels, filters: the layout tf.conv1d / conv2d / conv3d take. */
  filterShape: number[]
  outputShape: number[]
  parameters: { weights: number; biases: number; total: number }
}

export interface KernelInfo {
  name: string
  shape: number[]
  weights: number[]
}

export interface SignalResult {
  output: Float32Array
  kernel: KernelInfo
}

export interface PhotoResult {
  png: Uint8Array
  range: { min: number; max: number }
  kernel: KernelInfo
}

export interface VolumeResult {
  /** One PNG per output depth slice, all on one scale. */
  slices: Uint8Array[]
  shape: { depth: number; height: number; width: number }
  range: { min: number; max: number }
  kernel: KernelInfo
}

export interface SampleImage {
  name: string
  bytes: Uint8Array
}

const convPaddings = ['valid', 'same'] as const
export type ConvPadding = (typeof convPaddings)[number]

/** One convolution layer: `filters` kernels of side `kernel` along every spatial axis. */
const convLayer = z
  .object({ filters: z.number().int().min(1).max(1024), kernel: z.number().int().min(1).max(64), stride: z.number().int().min(1).max(16).optional(), padding: z.enum(convPaddings).optional() })
  .strict()

/** A 1D, 2D or 3D stack: spatial sizes then channels ([14, 3] in 1D, [14, 14, 3] in 2D, [14, 14, 14, 1] in 3D), then its layers. */
const convStack = z
  .object({ dimensions: z.union([z.literal(1), z.literal(2), z.literal(3)]), input: z.array(z.number().int().min(1).max(4096)).min(2).max(4), layers: z.array(convLayer).min(1).max(8) })
  .strict()
export type ConvStackSpec = z.infer<typeof convStack>
export type ConvDimensions = ConvStackSpec['dimensions']

export const exploreMethods = {
  'explore.layers': method<NetworkLayers>()(z.object({ network: z.enum(networkIds), inputSize: z.number().int().min(32).max(1024).optional() }).strict()),
  /** Top nine patches of every unit of a layer over an image set: a job, reused while the set is unchanged. */
  'explore.scan': job<ScanSummary>()(z.object({ network: z.enum(networkIds), layer: layerName.optional(), images: imageSetSchema }).strict()),
  /** A page of units' 3×3 grids from a finished scan. */
  'explore.units': method<UnitPage>()(z.object({ scanId, first: z.number().int().min(0), count: z.number().int().min(1).max(64) }).strict()),
  /** A scanned image at the size it was scanned, for outlining a patch's receptive field. */
  'explore.source': method<SourceImage>()(z.object({ scanId, imageIndex: z.number().int().min(0) }).strict()),
  /** Every channel of one layer for one image (given, or one of a scan's), as heat maps. */
  'explore.featureMaps': method<FeatureMapsResult>()(
    z
      .object({
        network: z.enum(networkIds),
        layer: layerName,
        image: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('bytes'), bytes: imageBytes }).strict(),
          z.object({ kind: z.literal('scanned'), scanId, imageIndex: z.number().int().min(0) }).strict()
        ])
      })
      .strict()
  ),
  /** The shapes a 1D/2D/3D stack produces on the engine, with parameter counts. */
  'explore.convShapes': method<ConvLayerResult[]>()(convStack),
  'explore.convSignal': method<SignalResult>()(z.object({ signal: floats, kernel: z.enum(signalKernels), seed: z.number().int().optional() }).strict()),
  'explore.convPhoto': method<PhotoResult>()(z.object({ image: imageBytes, kernel: z.enum(photoKernels), seed: z.number().int().optional() }).strict()),
  /** Frames (webcam, time as depth) or slices (a scan, space as depth) stacked into a volume. */
  'explore.convVolume': method<VolumeResult>()(z.object({ frames: z.array(imageBytes).min(1).max(64), kernel: z.enum(volumeKernels) }).strict()),
  /** The photos shipped in face-api's npm package, for trying things without a photo of one's own. */
  'explore.samples': method<SampleImage[]>()(z.object({}).strict())
}
