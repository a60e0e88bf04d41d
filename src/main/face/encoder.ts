import * as tf from '@tensorflow/tfjs'
import { LikenessError } from '../../shared/errors'

/** A convolution followed by dlib's affine "scale" layer (its frozen batch norm): y = (W∗x + b)·γ + β. */
export interface ConvLayerParams {
  filters: tf.Variable<tf.Rank.R4>
  bias: tf.Variable<tf.Rank.R1>
  scale: tf.Variable<tf.Rank.R1>
  shift: tf.Variable<tf.Rank.R1>
}

export interface ResidualParams {
  conv1: ConvLayerParams
  conv2: ConvLayerParams
}

/** The blocks of dlib's ResNet-34-like face encoder, in forward order. */
export const residualBlocks = [
  'conv32_1', 'conv32_2', 'conv32_3',
  'conv64_down', 'conv64_1', 'conv64_2', 'conv64_3',
  'conv128_down', 'conv128_1', 'conv128_2',
  'conv256_down', 'conv256_1', 'conv256_2', 'conv256_down_out'
] as const

export type ResidualBlockName = (typeof residualBlocks)[number]

export type EncoderParams = { conv32_down: ConvLayerParams; fc: tf.Variable<tf.Rank.R2> } & Record<ResidualBlockName, ResidualParams>

/** Stages by width; the training lab fine-tunes from some stage to the end and keeps the rest frozen. */
export const encoderStages = ['conv32', 'conv64', 'conv128', 'conv256', 'fc'] as const
export type EncoderStage = (typeof encoderStages)[number]

/** dlib's training mean, in 0–255 RGB; chips here are in [0, 1]. */
const meanRgb = [122.782, 117.001, 104.298]

/**
 * The encoder's parameters as variables, built from face-api's `face_recognition_model` weight
 * map (dlib_face_recognition_resnet_model_v1 converted). Takes ownership of the map's tensors.
 */
export function createEncoderParams(weightMap: tf.NamedTensorMap): EncoderParams {
  const take = <R extends tf.Rank>(name: string, rank: number): tf.Variable<R> => {
    const tensor = weightMap[name]
    if (!tensor || tensor.rank !== rank) {
      throw new LikenessError('NotFound', `The face encoder weights lack ${name}.`, { name, rank: tensor?.rank })
    }
    const variable = tf.variable(tensor, false) as tf.Variable<R>
    tensor.dispose()
    return variable
  }
  const convLayer = (prefix: string): ConvLayerParams => ({
    filters: take(`${prefix}/conv/filters`, 4),
    bias: take(`${prefix}/conv/bias`, 1),
    scale: take(`${prefix}/scale/weights`, 1),
    shift: take(`${prefix}/scale/biases`, 1)
  })
  const blocks = Object.fromEntries(
    residualBlocks.map((name) => [name, { conv1: convLayer(`${name}/conv1`), conv2: convLayer(`${name}/conv2`) }])
  ) as Record<ResidualBlockName, ResidualParams>
  return { conv32_down: convLayer('conv32_down'), ...blocks, fc: take('fc', 2) }
}

function stageOf(name: keyof EncoderParams): EncoderStage {
  if (name === 'fc') return 'fc'
  return encoderStages.find((stage) => name.startsWith(`${stage}_`)) ?? 'conv32'
}

export function encoderVariables(params: EncoderParams): { stage: EncoderStage; variable: tf.Variable }[] {
  return (Object.keys(params) as (keyof EncoderParams)[]).flatMap((name) => {
    const value = params[name]
    const variables: tf.Variable[] =
      value instanceof tf.Variable
        ? [value]
        : 'conv1' in value
          ? [...Object.values(value.conv1), ...Object.values(value.conv2)]
          : Object.values(value)
    return variables.map((variable) => ({ stage: stageOf(name), variable }))
  })
}

/** Marks the stages from `firstStage` to the end trainable and freezes everything before it. */
export function setTrainableFrom(params: EncoderParams, firstStage: EncoderStage | 'none'): tf.Variable[] {
  const first = firstStage === 'none' ? encoderStages.length : encoderStages.indexOf(firstStage)
  const trainable: tf.Variable[] = []
  for (const { stage, variable } of encoderVariables(params)) {
    variable.trainable = encoderStages.indexOf(stage) >= first
    if (variable.trainable) trainable.push(variable)
  }
  return trainable
}

function convLayers(params: EncoderParams): ConvLayerParams[] {
  return [params.conv32_down, ...residualBlocks.flatMap((name) => [params[name].conv1, params[name].conv2])]
}

export function disposeEncoderParams(params: EncoderParams): void {
  for (const layer of convLayers(params)) forgetFolded(layer)
  for (const { variable } of encoderVariables(params)) variable.dispose()
}

interface FoldedLayer {
  filter: tf.Tensor4D
  bias: tf.Tensor1D
}

// The scale layer folded into the convolution: y = relu?((W·γ) ∗ x + (b·γ + β)), one fused kernel.
function fold(p: ConvLayerParams): FoldedLayer {
  return { filter: tf.mul<tf.Tensor4D>(p.filters, p.scale), bias: p.bias.mul(p.scale).add(p.shift) }
}

// The wasm backend (XNNPACK) packs a filter into its kernel's layout once per filter tensor, so a
// filter folded anew on every pass is repacked on every pass: 58 ms per chip against 17 ms with
// filters folded once. A frozen layer is folded once and kept until its variables are assigned new
// values (an assign gives a variable new data); a trainable one is folded on every pass so that
// its gradient reaches W, b, γ and β.
const foldedOnce = new WeakMap<ConvLayerParams, FoldedLayer & { sources: readonly object[] }>()

function folded(p: ConvLayerParams): FoldedLayer {
  const variables = [p.filters, p.bias, p.scale, p.shift]
  if (variables.some((v) => v.trainable)) return fold(p)
  const sources = variables.map((v) => v.dataId)
  const cached = foldedOnce.get(p)
  if (cached && cached.sources.every((source, i) => source === sources[i])) return cached
  forgetFolded(p)
  const fresh = fold(p)
  tf.keep(fresh.filter)
  tf.keep(fresh.bias)
  foldedOnce.set(p, { ...fresh, sources })
  return fresh
}

function forgetFolded(p: ConvLayerParams): void {
  const cached = foldedOnce.get(p)
  if (cached) tf.dispose([cached.filter, cached.bias])
  foldedOnce.delete(p)
}

function convLayer(x: tf.Tensor4D, p: ConvLayerParams, stride: 1 | 2, relu: boolean, pad: 'same' | 'valid' = 'same'): tf.Tensor4D {
  const { filter, bias } = folded(p)
  return tf.fused.conv2d({ x, filter, strides: stride, pad, bias, activation: relu ? 'relu' : 'linear' })
}

// out = relu(conv2(relu(conv1(x))) + x)
function residual(x: tf.Tensor4D, p: ResidualParams): tf.Tensor4D {
  const out = convLayer(convLayer(x, p.conv1, 1, true), p.conv2, 1, false)
  return tf.relu(tf.add<tf.Tensor4D>(out, x))
}

// out = relu(conv2(relu(conv1/2(x))) + zero-pad-channels(avgpool2(x)))
function residualDown(x: tf.Tensor4D, p: ResidualParams): tf.Tensor4D {
  let out = convLayer(convLayer(x, p.conv1, 2, true, 'valid'), p.conv2, 1, false)
  let shortcut: tf.Tensor4D = tf.avgPool(x, 2, 2, 'valid')
  // dlib pads the strided branch by a zero row and column when the input side is odd
  if (shortcut.shape[1] !== out.shape[1] || shortcut.shape[2] !== out.shape[2]) {
    out = tf.pad(out, [[0, 0], [0, shortcut.shape[1] - out.shape[1]], [0, shortcut.shape[2] - out.shape[2]], [0, 0]])
  }
  if (shortcut.shape[3] !== out.shape[3]) {
    shortcut = tf.pad(shortcut, [[0, 0], [0, 0], [0, 0], [0, out.shape[3] - shortcut.shape[3]]])
  }
  return tf.relu(tf.add<tf.Tensor4D>(out, shortcut))
}

export type EncoderLayer = 'conv32_down' | 'pool' | ResidualBlockName

/**
 * f(x) with the activations of the named layers kept: chips [n, h, w, 3] in [0, 1] → [n, 128].
 * Reads like the network's diagram; `keep` is how the layer explorer looks inside.
 */
export function encoderForward(
  p: EncoderParams,
  chips: tf.Tensor4D,
  keep: readonly EncoderLayer[] = []
): { descriptors: tf.Tensor2D; activations: Partial<Record<EncoderLayer, tf.Tensor4D>> } {
  return tf.tidy(() => {
    const activations: Partial<Record<EncoderLayer, tf.Tensor4D>> = {}
    const tap = (name: EncoderLayer, t: tf.Tensor4D): tf.Tensor4D => {
      if (keep.includes(name)) activations[name] = t
      return t
    }
    const x = tf.sub<tf.Tensor4D>(chips, tf.tensor1d(meanRgb).div(255))

    let out = tap('conv32_down', convLayer(x, p.conv32_down, 2, true, 'valid'))
    out = tap('pool', tf.maxPool(out, 3, 2, 'valid'))

    out = tap('conv32_1', residual(out, p.conv32_1))
    out = tap('conv32_2', residual(out, p.conv32_2))
    out = tap('conv32_3', residual(out, p.conv32_3))

    out = tap('conv64_down', residualDown(out, p.conv64_down))
    out = tap('conv64_1', residual(out, p.conv64_1))
    out = tap('conv64_2', residual(out, p.conv64_2))
    out = tap('conv64_3', residual(out, p.conv64_3))

    out = tap('conv128_down', residualDown(out, p.conv128_down))
    out = tap('conv128_1', residual(out, p.conv128_1))
    out = tap('conv128_2', residual(out, p.conv128_2))

    out = tap('conv256_down', residualDown(out, p.conv256_down))
    out = tap('conv256_1', residual(out, p.conv256_1))
    out = tap('conv256_2', residual(out, p.conv256_2))
    out = tap('conv256_down_out', residualDown(out, p.conv256_down_out))

    const globalAverage = tf.mean<tf.Tensor2D>(out, [1, 2])
    const descriptors = tf.matMul<tf.Tensor2D>(globalAverage, p.fc)
    return { descriptors, activations }
  })
}

/** f(x): aligned 150×150 chips [n, 150, 150, 3] in [0, 1] → 128-D descriptors [n, 128]. */
export function encodeFaces(params: EncoderParams, chips: tf.Tensor4D): tf.Tensor2D {
  if (chips.rank !== 4 || chips.shape[3] !== 3) {
    throw new LikenessError('BadRequest', 'Face chips must be a batch of RGB images.', { shape: chips.shape })
  }
  return encoderForward(params, chips).descriptors
}
