import type * as tf from '@tensorflow/tfjs'
import type { FeatureNetwork, NetworkNode } from '../engine/network'
import { encoderForward, residualBlocks, type EncoderLayer, type EncoderParams } from './encoder'

/** The encoder's taps, shallow to deep: its stem, then every residual block's output. */
const encoderTapLayers: EncoderLayer[] = ['conv32_down', 'pool', ...residualBlocks]

const widths: Record<string, number> = { conv32: 32, conv64: 64, conv128: 128, conv256: 256 }
const widthOf = (block: string): number => widths[block.replace(/_.*$/, '')]!

/**
 * The encoder's geometry for receptive fields, read off encoderForward: a residual block is
 * conv3×3 → conv3×3 added to its input; a down block strides its first conv (valid) and
 * average-pools its shortcut 2×2, so both branches step at twice the stride.
 */
function encoderNodes(): NetworkNode[] {
  const nodes: NetworkNode[] = [
    { name: 'input', op: 'input', kernel: 1, stride: 1, padding: 'valid', inputs: [], channels: 3 },
    { name: 'conv32_down', op: 'conv', kernel: 7, stride: 2, padding: 'valid', inputs: ['input'], channels: 32 },
    { name: 'pool', op: 'maxPool', kernel: 3, stride: 2, padding: 'valid', inputs: ['conv32_down'], channels: 32 }
  ]
  let previous = 'pool'
  for (const block of residualBlocks) {
    const channels = widthOf(block)
    const down = block.includes('down')
    nodes.push(
      { name: `${block}/conv1`, op: 'conv', kernel: 3, stride: down ? 2 : 1, padding: down ? 'valid' : 'same', inputs: [previous], channels },
      { name: `${block}/conv2`, op: 'conv', kernel: 3, stride: 1, padding: 'same', inputs: [`${block}/conv1`], channels }
    )
    const shortcut = down ? `${block}/shortcut` : previous
    if (down) nodes.push({ name: shortcut, op: 'avgPool', kernel: 2, stride: 2, padding: 'valid', inputs: [previous], channels })
    nodes.push({ name: block, op: 'add', kernel: 1, stride: 1, padding: 'valid', inputs: [`${block}/conv2`, shortcut], channels })
    previous = block
  }
  return nodes
}

/** The face encoder as a FeatureNetwork (id 'face'): a view of parameters that whoever loaded them disposes. */
export function encoderNetwork(params: EncoderParams): FeatureNetwork {
  return {
    id: 'face',
    nodes: encoderNodes(),
    tapLayers: encoderTapLayers,
    forward(images, taps) {
      const { descriptors, activations } = encoderForward(params, images, taps as EncoderLayer[])
      descriptors.dispose()
      return activations as Record<string, tf.Tensor4D>
    },
  }
}
