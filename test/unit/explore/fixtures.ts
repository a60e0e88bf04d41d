import * as tf from '@tensorflow/tfjs'
import sharp from 'sharp'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { FeatureNetwork, NetworkNode } from '../../../src/main/engine/network'
import type { RgbImage } from '../../../src/main/image/decode'

const require = createRequire(import.meta.url)
const demoDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo')

/** face-api's six demo photos, each cut two ways (a square centre and a wider top), so twelve small images of two sizes. */
export async function sampleImages(): Promise<RgbImage[]> {
  const crops = [
    { width: 40, height: 40, position: 'centre' },
    { width: 48, height: 36, position: 'north' }
  ] as const
  const images: RgbImage[] = []
  for (let sample = 1; sample <= 6; sample++) {
    for (const crop of crops) {
      const { data, info } = await sharp(path.join(demoDir, `sample${sample}.jpg`))
        .resize(crop.width, crop.height, { fit: 'cover', position: crop.position })
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true })
      images.push({ width: info.width, height: info.height, data: new Uint8Array(data) })
    }
  }
  return images
}

/**
 * A three-layer conv net with seeded random kernels and VGG's geometry (3×3 'same' convs, a
 * 2×2 max-pool), standing in for a pretrained network: the explorer's arithmetic does not
 * care whether the kernels were learned.
 */
export function tinyNetwork(): FeatureNetwork & { dispose(): void } {
  const kernel1 = tf.randomNormal([3, 3, 3, 8], 0, 0.5, 'float32', 7) as tf.Tensor4D
  const kernel2 = tf.randomNormal([3, 3, 8, 6], 0, 0.5, 'float32', 11) as tf.Tensor4D
  const nodes: NetworkNode[] = [
    { name: 'input', op: 'input', kernel: 1, stride: 1, padding: 'valid', inputs: [], channels: 3 },
    { name: 'conv1', op: 'conv', kernel: 3, stride: 1, padding: 'same', inputs: ['input'], channels: 8 },
    { name: 'pool1', op: 'maxPool', kernel: 2, stride: 2, padding: 'same', inputs: ['conv1'], channels: 8 },
    { name: 'conv2', op: 'conv', kernel: 3, stride: 1, padding: 'same', inputs: ['pool1'], channels: 6 }
  ]
  return {
    id: 'vgg19',
    nodes,
    tapLayers: ['conv1', 'conv2'],
    forward(images, taps) {
      const conv1 = tf.relu(tf.conv2d(images, kernel1, 1, 'same')) as tf.Tensor4D
      const pool1 = tf.maxPool(conv1, 2, 2, 'same')
      const conv2 = tf.relu(tf.conv2d(pool1, kernel2, 1, 'same')) as tf.Tensor4D
      const all: Record<string, tf.Tensor4D> = { conv1, pool1, conv2 }
      return Object.fromEntries(taps.map((tap) => [tap, all[tap]]))
    },
    dispose() {
      tf.dispose([kernel1, kernel2])
    }
  }
}
