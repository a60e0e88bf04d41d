import type { NetworkId } from '../../shared/networks'
import type { ConvLayerResult, FeatureMapsResult, NetworkLayers, PhotoResult, SignalResult, UnitTile, VolumeResult, ConvStackSpec } from '../../shared/api/explore'
import type { PhotoKernelName, SignalKernelName, VolumeKernelName } from './convKernels'
import type { NetworkFiles } from './networks'
import type { TopPatchScan } from './topPatches'

interface OnNetwork {
  network: NetworkId
  files: NetworkFiles
}

/** A unit's tile as the engine draws it; the service adds the image names. */
export type EngineUnitTile = Omit<UnitTile, 'patches'> & { patches: { imageIndex: number; box: UnitTile['patches'][number]['box']; activation: number }[] }

/** The explorer's and conv lab's engine operations (see engine/ops.ts): plain data in and out. */
export interface ExploreOps {
  'explore.layers': { args: OnNetwork & { inputSize: number }; result: NetworkLayers }
  /** Scans one share of a set; images[i] is image firstImageIndex + i of the whole set. */
  'explore.scan': {
    args: OnNetwork & { layer: string; images: Uint8Array[]; firstImageIndex: number }
    result: { scan: TopPatchScan; sizes: { width: number; height: number }[] }
  }
  /** Grids of the given units; `images` holds (by index) every source image those units' patches come from. */
  'explore.unitGrids': {
    args: OnNetwork & { scan: TopPatchScan; units: number[]; images: Record<number, Uint8Array> }
    result: EngineUnitTile[]
  }
  /** An image at the size the network scans it, as PNG. */
  'explore.scanImage': { args: { network: NetworkId; image: Uint8Array }; result: { png: Uint8Array; width: number; height: number } }
  'explore.featureMaps': { args: OnNetwork & { layer: string; image: Uint8Array }; result: FeatureMapsResult }
  'explore.convShapes': { args: ConvStackSpec; result: ConvLayerResult[] }
  'explore.convSignal': { args: { signal: Float32Array; kernel: SignalKernelName; seed?: number }; result: SignalResult }
  'explore.convPhoto': { args: { image: Uint8Array; kernel: PhotoKernelName; seed?: number }; result: PhotoResult }
  'explore.convVolume': { args: { frames: Uint8Array[]; kernel: VolumeKernelName }; result: VolumeResult }
}
