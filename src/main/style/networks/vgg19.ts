import * as tf from '@tensorflow/tfjs'
import { freezeConv } from '../../engine/kernels/frozenConv'
import type { FrozenGraph, GraphOp } from './frozenGraph'
import { frozenNetwork, type FrozenNetwork } from './frozenNetwork'
import { readVggConvWeights, type ConvWeights } from './vgg19Weights'

/** Convolutions per block (Simonyan & Zisserman, configuration E). */
const convsPerBlock = [2, 2, 4, 4, 4]

export const vgg19TapLayers = convsPerBlock.flatMap((count, block) => Array.from({ length: count }, (_, i) => `block${block + 1}_conv${i + 1}`))

/** ImageNet's mean pixel in BGR, as Caffe subtracted it. */
const caffeMeanBgr = [103.939, 116.779, 123.68]

// x' = 255·x[..., ::-1] − mean_BGR: RGB in [0, 1] → the BGR 0–255 mean-centred input VGG was trained on.
export function caffePreprocess(images: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => images.reverse(3).mul(255).sub(tf.tensor1d(caffeMeanBgr)))
}

export interface Vgg19Options {
  /** 'avg' replaces max-pooling by average-pooling, as Gatys et al. did for smoother images. */
  pooling?: 'max' | 'avg'
}

/** VGG19's 16 conv layers (ReLU fused) and 5 pools from the Keras .h5 file at `filePath`; RGB in [0, 1]. */
export async function loadVgg19(filePath: string, options: Vgg19Options = {}): Promise<FrozenNetwork> {
  return vgg19Network(await readVggConvWeights(filePath, vgg19TapLayers), options)
}

/** The network around weights already read, one entry per conv in vgg19TapLayers' order (the network owns them). */
export function vgg19Network(weights: ConvWeights[], options: Vgg19Options = {}): FrozenNetwork {
  const pool = options.pooling === 'avg' ? 'avgPool' : 'maxPool'
  const ops: GraphOp[] = []
  let input = 'input_1'
  let layer = 0
  convsPerBlock.forEach((count, block) => {
    for (let i = 0; i < count; i++) {
      const { filter, bias } = weights[layer]
      const name = vgg19TapLayers[layer++]
      ops.push({ kind: 'conv', name, input, conv: freezeConv({ depthwise: false, filter, bias, strides: 1, pad: 'same', activation: 'relu' }) })
      input = name
    }
    const name = `block${block + 1}_pool`
    ops.push({ kind: pool, name, input, size: [2, 2], strides: 2, pad: 'valid' })
    input = name
  })
  const graph: FrozenGraph = { inputName: 'input_1', ops }
  return frozenNetwork({ id: 'vgg19', graph, tapLayers: vgg19TapLayers, preprocess: caffePreprocess })
}
