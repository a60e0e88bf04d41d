import * as tf from '@tensorflow/tfjs'
import { initBackend } from '../engine/backend'
import type { OpHandlers } from './ops'
import { models } from './models'

export const systemOps: Pick<OpHandlers, 'engine.init' | 'engine.warmup' | 'engine.status'> = {
  'engine.init': async () => initBackend(),

  'engine.status': async () => ({ backend: await initBackend(), loads: models.loads(), tensorBytes: tf.memory().numBytes }),

  // One convolution the size of a small photo's first layer: compiles kernels and touches memory,
  // so the first real request does not pay for it.
  'engine.warmup': async ({ size }, context) => {
    const started = performance.now()
    const steps = 3
    for (let step = 0; step < steps; step++) {
      context.throwIfCancelled()
      tf.tidy(() => {
        const image = tf.randomUniform([1, size, size, 3]) as tf.Tensor4D
        const kernel = tf.randomNormal([3, 3, 3, 16])
        return tf.conv2d(image, kernel as tf.Tensor4D, 1, 'same').sum()
      }).dispose()
      context.report({ done: step + 1, total: steps })
    }
    return { seconds: (performance.now() - started) / 1000 }
  }
}
