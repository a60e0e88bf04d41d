import * as tf from '@tensorflow/tfjs'
import type { FeatureNetwork } from '../../engine/network'
import type { NetworkId } from '../../../shared/networks'
import { LikenessError } from '../../../shared/errors'
import { activationShapes, disposeGraph, graphNodes, minimumInputSize, requireTaps, runGraph, type ActivationShape, type FrozenGraph } from './frozenGraph'
import { estimateActivationBytes, type MemoryEstimateOptions } from './activationMemory'

/** A FeatureNetwork whose sizes can be reasoned about before running it. */
export interface FrozenNetwork extends FeatureNetwork {
  /** The folded graph it runs (benchmarks rebuild it with stock ops to compare). */
  graph: FrozenGraph
  /** The smallest square input every layer still produces output for. */
  minimumInputSize: number
  activationShapes(height: number, width: number): Map<string, ActivationShape>
  /** See activationMemory.ts: what a pass at this size holds in the backend's heap. */
  estimateActivationBytes(height: number, width: number, options?: MemoryEstimateOptions): number
  dispose(): void
}

export interface FrozenNetworkSpec {
  id: NetworkId
  graph: FrozenGraph
  tapLayers: string[]
  /** RGB in [0, 1] → what the network's first layer expects. */
  preprocess?: (images: tf.Tensor4D) => tf.Tensor4D
}

function requireImages(images: tf.Tensor4D, minimum: number): void {
  if (images.rank !== 4 || images.shape[3] !== 3) {
    throw new LikenessError('BadRequest', 'Expected a batch of RGB images [n, height, width, 3].', { shape: images.shape })
  }
  if (Math.min(images.shape[1], images.shape[2]) < minimum) {
    throw new LikenessError('BadRequest', `This network needs images at least ${minimum} px on each side.`, { shape: images.shape, minimum })
  }
}

export function frozenNetwork(spec: FrozenNetworkSpec): FrozenNetwork {
  const { id, graph, tapLayers, preprocess } = spec
  const minimum = minimumInputSize(graph)
  return {
    id,
    graph,
    nodes: graphNodes(graph),
    tapLayers,
    minimumInputSize: minimum,
    forward(images, taps) {
      requireTaps(graph, taps)
      requireImages(images, minimum)
      return tf.tidy(() => runGraph(graph, preprocess ? preprocess(images) : images, taps))
    },
    activationShapes: (height, width) => activationShapes(graph, height, width),
    estimateActivationBytes: (height, width, options) => estimateActivationBytes(graph, height, width, options),
    dispose: () => disposeGraph(graph)
  }
}
