import type * as tf from '@tensorflow/tfjs'
import type { NetworkId } from '../../shared/networks'

/**
 * One node of a network's graph as far as geometry goes: what a receptive-field calculation
 * needs. Element-wise ops (activation, batch norm, add, concat) have kernel 1, stride 1.
 */
export interface NetworkNode {
  name: string
  op: 'input' | 'conv' | 'depthwiseConv' | 'maxPool' | 'avgPool' | 'add' | 'concat' | 'elementwise' | 'globalPool' | 'dense'
  kernel: number
  /** [height, width] where the kernel is not square (InceptionV3's 1×7 and 7×1); `kernel` is then the larger side. */
  kernelSize?: [number, number]
  stride: number
  /** 'same' pads (kernel − 1) / 2 on the leading side (TensorFlow's rule); a number pads that many pixels. */
  padding: 'same' | 'valid' | number
  inputs: string[]
  /** Output channels. */
  channels: number
}

/**
 * A pretrained CNN usable as a feature extractor: by the style studio (content and Gram
 * taps) and the layer explorer (top patches, feature maps).
 */
export interface FeatureNetwork {
  id: NetworkId
  /** Graph in topological order; the first node is the input. */
  nodes: NetworkNode[]
  /** Layers worth offering to a user (tap points), shallow to deep. */
  tapLayers: string[]
  /**
   * Activations at the named layers for a batch of RGB images in [0, 1], NHWC.
   * Differentiable with respect to `images` (the style studio optimises the image).
   */
  forward(images: tf.Tensor4D, taps: readonly string[]): Record<string, tf.Tensor4D>
}
