import * as tf from '@tensorflow/tfjs'
import { z } from 'zod'
import { freezeConv, type ConvActivation } from '../../engine/kernels/frozenConv'
import { LikenessError } from '../../../shared/errors'
import type { FrozenGraph, GraphOp } from './frozenGraph'
import { layerConfig, type KerasLayer } from './kerasTopology'
import type { WeightStore } from './quantizedWeights'

const pair = z.tuple([z.number().int(), z.number().int()])
const convConfig = z.object({
  kernel_size: pair,
  strides: pair,
  padding: z.enum(['same', 'valid']),
  dilation_rate: pair.optional(),
  activation: z.enum(['linear', 'relu']),
  use_bias: z.boolean()
})
const batchNormConfig = z.object({ epsilon: z.number(), scale: z.boolean(), center: z.boolean() })
const poolConfig = z.object({ pool_size: pair, strides: pair, padding: z.enum(['same', 'valid']) })
const zeroPadConfig = z.object({ padding: z.tuple([pair, pair]) })
const reluConfig = z.object({ max_value: z.number().nullable().optional(), negative_slope: z.number().optional(), threshold: z.number().optional() })
const activationConfig = z.object({ activation: z.string() })
const concatConfig = z.object({ axis: z.union([z.literal(-1), z.literal(3)]) })

function unsupported(layer: KerasLayer, why: string): never {
  throw new LikenessError('Unsupported', `Layer ${layer.name} (${layer.className}): ${why}.`)
}

function squareStride(layer: KerasLayer, strides: [number, number]): number {
  if (strides[0] !== strides[1]) unsupported(layer, 'unequal strides')
  return strides[0]
}

/** The activation a layer applies, if it is one that can be fused into a conv. */
function fusableActivation(layer: KerasLayer): ConvActivation | undefined {
  if (layer.className === 'Activation') {
    const { activation } = layerConfig(layer, activationConfig)
    return activation === 'relu' ? 'relu' : undefined
  }
  if (layer.className === 'ReLU') {
    const relu = layerConfig(layer, reluConfig)
    if ((relu.negative_slope ?? 0) !== 0 || (relu.threshold ?? 0) !== 0) return undefined
    if (relu.max_value == null) return 'relu'
    return relu.max_value === 6 ? 'relu6' : undefined
  }
  return undefined
}

// BN(z) = γ·(z − μ)/√(σ² + ε) + β  ⇒  W' = W·γ/√(σ² + ε),  b' = (b − μ)·γ/√(σ² + ε) + β.
// InceptionV3's BN has scale: false (no γ, i.e. γ = 1), which tf.LayersModel's gradients trip on.
function foldBatchNorm(
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  batchNorm: KerasLayer,
  weights: WeightStore,
  depthwise: boolean
): { filter: tf.Tensor4D; bias: tf.Tensor1D } {
  const { epsilon, scale, center } = layerConfig(batchNorm, batchNormConfig)
  return tf.tidy(() => {
    const mean = weights.read(`${batchNorm.name}/moving_mean`)
    const variance = weights.read(`${batchNorm.name}/moving_variance`)
    const gamma = scale ? weights.read(`${batchNorm.name}/gamma`) : tf.onesLike(mean)
    const beta = center ? weights.read(`${batchNorm.name}/beta`) : tf.zerosLike(mean)
    const factor = gamma.div(variance.add(epsilon).sqrt())
    const [, , channels, multiplier] = filter.shape
    const filterFactor = depthwise ? factor.reshape([channels, multiplier]) : factor
    return {
      filter: filter.mul(filterFactor) as tf.Tensor4D,
      bias: bias.sub(mean).mul(factor).add(beta) as tf.Tensor1D
    }
  })
}

/**
 * Reads the Keras graph and writes each Conv2D / DepthwiseConv2D with the BatchNormalization and
 * ReLU that follow it (when they are its sole readers) as one fused op named after the last layer
 * absorbed — `activation_2`, `block_1_expand_relu` — so tap names stay Keras's names.
 */
export function foldKerasGraph(layers: KerasLayer[], weights: WeightStore): FrozenGraph {
  const readers = new Map<string, KerasLayer[]>()
  for (const layer of layers) for (const input of layer.inputs) readers.set(input, [...(readers.get(input) ?? []), layer])
  const soleReader = (name: string): KerasLayer | undefined => {
    const found = readers.get(name) ?? []
    return found.length === 1 ? found[0] : undefined
  }
  const absorbed = new Set<string>()
  const ops: GraphOp[] = []
  let inputName: string | undefined

  for (const layer of layers) {
    if (absorbed.has(layer.name)) continue
    const input = layer.inputs[0]
    switch (layer.className) {
      case 'InputLayer':
        inputName = layer.name
        break
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const config = layerConfig(layer, convConfig)
        if (config.dilation_rate && (config.dilation_rate[0] !== 1 || config.dilation_rate[1] !== 1)) unsupported(layer, 'dilated')
        const depthwise = layer.className === 'DepthwiseConv2D'
        let filter = weights.read(`${layer.name}/${depthwise ? 'depthwise_kernel' : 'kernel'}`) as tf.Tensor4D
        const outChannels = depthwise ? filter.shape[2] * filter.shape[3] : filter.shape[3]
        let bias = (config.use_bias ? weights.read(`${layer.name}/bias`) : tf.zeros([outChannels])) as tf.Tensor1D
        let name = layer.name
        let activation: ConvActivation = config.activation
        const batchNorm = soleReader(name)
        if (activation === 'linear' && batchNorm?.className === 'BatchNormalization') {
          const folded = foldBatchNorm(filter, bias, batchNorm, weights, depthwise)
          tf.dispose([filter, bias])
          ;({ filter, bias } = folded)
          absorbed.add(batchNorm.name)
          name = batchNorm.name
        }
        const next = soleReader(name)
        const nextActivation = next && activation === 'linear' ? fusableActivation(next) : undefined
        if (next && nextActivation) {
          activation = nextActivation
          absorbed.add(next.name)
          name = next.name
        }
        const conv = freezeConv({ depthwise, filter, bias, strides: squareStride(layer, config.strides), pad: config.padding, activation })
        ops.push({ kind: 'conv', name, input, conv })
        break
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const config = layerConfig(layer, poolConfig)
        const kind = layer.className === 'MaxPooling2D' ? 'maxPool' : 'avgPool'
        ops.push({ kind, name: layer.name, input, size: config.pool_size, strides: squareStride(layer, config.strides), pad: config.padding })
        break
      }
      case 'ZeroPadding2D':
        ops.push({ kind: 'zeroPad', name: layer.name, input, padding: layerConfig(layer, zeroPadConfig).padding })
        break
      case 'Concatenate':
        layerConfig(layer, concatConfig)
        ops.push({ kind: 'concat', name: layer.name, inputs: layer.inputs })
        break
      case 'Add':
        ops.push({ kind: 'add', name: layer.name, inputs: layer.inputs })
        break
      default:
        unsupported(layer, 'not a layer a feature network needs')
    }
  }
  if (!inputName) throw new LikenessError('ModelUnavailable', 'The network has no input layer.')
  return { inputName, ops }
}
