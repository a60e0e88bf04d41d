import * as tf from '@tensorflow/tfjs'
import type { FeatureNetwork, NetworkNode } from '../../../../src/main/engine/network'

/**
 * A three-layer ReLU conv net with fixed seeded weights: a real, differentiable FeatureNetwork that
 * is cheap enough for the tests of the loop's plumbing (cancel, errors, memory). The tests that
 * check J goes down on pictures use a pretrained network.
 */
export function smallNetwork(): FeatureNetwork & { dispose(): void } {
  const kernels = {
    conv1: tf.randomNormal([3, 3, 3, 8], 0, 0.5, 'float32', 1) as tf.Tensor4D,
    conv2: tf.randomNormal([3, 3, 8, 16], 0, 0.2, 'float32', 2) as tf.Tensor4D,
    conv3: tf.randomNormal([3, 3, 16, 16], 0, 0.15, 'float32', 3) as tf.Tensor4D
  }
  const node = (name: string, stride: number, channels: number, input: string): NetworkNode => ({
    name,
    op: 'conv',
    kernel: 3,
    stride,
    padding: 'same',
    inputs: [input],
    channels
  })
  return {
    id: 'vgg19',
    nodes: [
      { name: 'input', op: 'input', kernel: 1, stride: 1, padding: 'valid', inputs: [], channels: 3 },
      node('conv1', 1, 8, 'input'),
      node('conv2', 2, 16, 'conv1'),
      node('conv3', 1, 16, 'conv2')
    ],
    tapLayers: ['conv1', 'conv2', 'conv3'],
    forward(images, taps) {
      return tf.tidy(() => {
        const conv1 = tf.relu(tf.conv2d(images, kernels.conv1, 1, 'same'))
        const conv2 = tf.relu(tf.conv2d(conv1, kernels.conv2, 2, 'same'))
        const conv3 = tf.relu(tf.conv2d(conv2, kernels.conv3, 1, 'same'))
        const all: Record<string, tf.Tensor4D> = { conv1, conv2, conv3 }
        return Object.fromEntries(taps.map((t) => [t, all[t]]))
      })
    },
    dispose() {
      tf.dispose(Object.values(kernels))
    }
  }
}
