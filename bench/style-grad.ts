/**
 * Forward + backward (gradient with respect to the image) of each style network at 256 px on
 * wasm: our fused convs with flipped-kernel image gradients against the same folded graph run
 * with stock tfjs ops and stock gradients, side by side in one process. JSON lines.
 *
 *   npx tsx bench/style-grad.ts [size]
 */
import * as tf from '@tensorflow/tfjs'
import { initBackend } from '../src/main/engine/backend'
import type { FrozenConv } from '../src/main/engine/kernels/frozenConv'
import { registerWasmGradientKernels } from '../src/main/engine/kernels/wasmGradientKernels'
import type { FrozenGraph } from '../src/main/style/networks/frozenGraph'
import { frozenNetwork, type FrozenNetwork } from '../src/main/style/networks/frozenNetwork'
import { loadModel } from '../src/main/models/registry'
import { caffePreprocess, vgg19Network, vgg19TapLayers } from '../src/main/style/networks/vgg19'
import { convFlops } from './styleFlops'
import os from 'node:os'

const size = Number(process.argv[2] ?? 256)
const repeats = 2

/** The studio's default taps per network (notes/style-offline-networks.md; Gatys et al. for VGG). */
const studioTaps: Record<string, string[]> = {
  inception: ['activation_2', 'activation_4', 'mixed0', 'mixed2', 'mixed3', 'mixed4'],
  mobilenet: ['Conv1_relu', 'block_1_expand_relu', 'block_3_expand_relu', 'block_6_expand_relu', 'block_13_expand_relu'],
  vgg19: ['block1_conv1', 'block2_conv1', 'block3_conv1', 'block4_conv1', 'block4_conv2', 'block5_conv1']
}

/** The reference: conv, bias add and activation as separate stock ops, so tfjs's own gradients run. */
function stockConv(conv: FrozenConv): (x: tf.Tensor4D) => tf.Tensor4D {
  return (x) => {
    const z = (conv.depthwise ? tf.depthwiseConv2d(x, conv.filter, conv.strides, conv.pad) : tf.conv2d(x, conv.filter, conv.strides, conv.pad)).add(conv.bias)
    return (conv.activation === 'relu' ? tf.relu(z) : conv.activation === 'relu6' ? tf.relu6(z) : z) as tf.Tensor4D
  }
}

function stockTwin(network: FrozenNetwork): FrozenNetwork {
  const graph: FrozenGraph = {
    inputName: network.graph.inputName,
    ops: network.graph.ops.map((op) => (op.kind === 'conv' ? { ...op, conv: { ...op.conv, apply: stockConv(op.conv) } } : op))
  }
  return frozenNetwork({ id: network.id, graph, tapLayers: network.tapLayers, preprocess: network.id === 'vgg19' ? caffePreprocess : undefined })
}

function sumOfSquares(network: FrozenNetwork, taps: string[]): (x: tf.Tensor) => tf.Scalar {
  return (x) => tf.addN(Object.values(network.forward(x as tf.Tensor4D, taps)).map((a) => a.square().mean())) as tf.Scalar
}

function seconds(run: () => void): number {
  run()
  let best = Infinity
  for (let i = 0; i < repeats; i++) {
    const start = performance.now()
    run()
    best = Math.min(best, (performance.now() - start) / 1000)
  }
  return best
}

/** Bytes the tape holds at the end of a differentiated forward pass (activations kept for backward). */
function heldByTape(network: FrozenNetwork, taps: string[], image: tf.Tensor4D): number {
  const before = tf.memory().numBytes
  let held = 0
  tf.tidy(() =>
    tf.grad((x) => {
      const loss = sumOfSquares(network, taps)(x)
      held = tf.memory().numBytes - before
      return loss
    })(image)
  )
  return held
}

function randomVgg19(): FrozenNetwork {
  const widths = vgg19TapLayers.map((name) => [64, 128, 256, 512, 512][Number(name[5]) - 1])
  return vgg19Network(
    widths.map((out, i) => ({
      filter: tf.randomNormal([3, 3, i === 0 ? 3 : widths[i - 1], out], 0, 0.05) as tf.Tensor4D,
      bias: tf.zeros([out]) as tf.Tensor1D
    }))
  )
}

await initBackend('wasm')
registerWasmGradientKernels()
const image = tf.randomUniform([1, size, size, 3]) as tf.Tensor4D
const shipped = (id: 'inception' | 'mobilenet') => () => loadModel(id, { dataDir: os.tmpdir() })
for (const load of [shipped('inception'), shipped('mobilenet'), async () => randomVgg19()]) {
  const ours = await load()
  const stock = stockTwin(ours)
  const taps = studioTaps[ours.id]
  const flops = convFlops(ours.graph, taps, size, size)
  const forward = seconds(() => tf.tidy(() => sumOfSquares(ours, taps)(image)))
  const oursBoth = seconds(() => tf.tidy(() => tf.grad(sumOfSquares(ours, taps))(image)))
  const stockBoth = seconds(() => tf.tidy(() => tf.grad(sumOfSquares(stock, taps))(image)))
  const backward = (s: number): number => Math.max(1e-9, s - forward)
  console.log(
    JSON.stringify({
      network: ours.id,
      size,
      weights: ours.id === 'vgg19' ? 'random (timing only)' : 'nsfwjs',
      forwardGflop: +(flops / 1e9).toFixed(2),
      forwardS: +forward.toFixed(3),
      forwardGflops: +(flops / 1e9 / forward).toFixed(1),
      forwardBackwardS: { ours: +oursBoth.toFixed(3), stock: +stockBoth.toFixed(3) },
      backwardGflops: { ours: +(flops / 1e9 / backward(oursBoth)).toFixed(1), stock: +(flops / 1e9 / backward(stockBoth)).toFixed(1) },
      speedup: +(stockBoth / oursBoth).toFixed(2),
      tapeMB: +(heldByTape(ours, taps, image) / 1e6).toFixed(0),
      estimateMB: +(ours.estimateActivationBytes(size, size, { gradient: true }) / 1e6).toFixed(0)
    })
  )
  ours.dispose()
}
image.dispose()
