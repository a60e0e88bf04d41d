// Style transfer speed, ours vs a naive reference, same network, size and backend, same run.
// Reference: one scale, Adam, noise start, tfjs's stock conv gradients. Ours: coarse-to-fine,
// flipped-kernel image gradients, start from the photo, with L-BFGS (--optimizer, --shift-every,
// --ours-iterations change it), then again with the studio's Adam defaults. Printed: time for
// each to reach the J the reference ends on after --iterations (default 200) at --size (default
// 256), and per network at 256 / 384 / 512 px seconds per iteration and the GFLOP/s of the
// forward and backward passes. JSON lines.
//   npx tsx bench/style.ts [--iterations 200] [--ours-iterations N] [--size 256] [--network mobilenet|inception]
//                          [--optimizer lbfgs|adam] [--sizes 256,384,512] [--skip-reference] [--out ours.png]
//                          [--shift-every n]
import * as tf from '@tensorflow/tfjs'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { initBackend } from '../src/main/engine/backend'
import type { FeatureNetwork } from '../src/main/engine/network'
import { decodeImage, type RgbImage } from '../src/main/image/decode'
import { encodePng } from '../src/main/image/encode'
import type { FrozenGraph } from '../src/main/style/networks/frozenGraph'
import { frozenNetwork, type FrozenNetwork } from '../src/main/style/networks/frozenNetwork'
import { inceptionCut, inceptionTapLayers } from '../src/main/style/networks/inception'
import { foldKerasGraph } from '../src/main/style/networks/kerasFolding'
import { ancestorsOf } from '../src/main/style/networks/kerasTopology'
import { mobilenetCut, mobilenetTapLayers } from '../src/main/style/networks/mobilenet'
import { readNsfwjsBundle } from '../src/main/style/networks/nsfwjsBundle'
import { defaultStyleSettings, type StyleParams } from '../src/main/style/settings'
import { stylize } from '../src/main/style/stylize'
import { convFlops } from './styleFlops'
import { modelFiles } from '../src/main/models/registry'
import os from 'node:os'

type BenchNetwork = 'mobilenet' | 'inception'

const { values: flags } = parseArgs({
  options: {
    iterations: { type: 'string', default: '200' },
    'ours-iterations': { type: 'string' },
    size: { type: 'string', default: '256' },
    network: { type: 'string', default: 'mobilenet' },
    optimizer: { type: 'string' },
    out: { type: 'string' },
    'shift-every': { type: 'string' },
    sizes: { type: 'string', default: '256,384,512' },
    'skip-reference': { type: 'boolean', default: false }
  }
})

const require = createRequire(import.meta.url)
const datasets = path.resolve(import.meta.dirname, '..', '..', 'shared', 'datasets')
const demo = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo')

/** Tübingen × The Great Wave when the shared datasets are here, two npm sample photos otherwise. */
async function pictures(): Promise<{ content: RgbImage; style: RgbImage; names: [string, string] }> {
  const pair: [string, string] = existsSync(path.join(datasets, 'content', 'tubingen.jpg'))
    ? [path.join(datasets, 'content', 'tubingen.jpg'), path.join(datasets, 'style', 'great_wave_hokusai.jpg')]
    : [path.join(demo, 'sample2.jpg'), path.join(demo, 'sample6.jpg')]
  const [content, style] = await Promise.all(pair.map(async (file) => (await decodeImage(readFileSync(file))).image))
  return { content, style, names: [path.basename(pair[0]), path.basename(pair[1])] }
}

/**
 * The same folded graph with tf's own gradients for every regular conv: conv2d + bias + activation as
 * separate ops, so tf differentiates through its naive Conv2DBackpropInput (unfused, so that no
 * filter gradient is computed for constant weights). wasm has no depthwise image gradient at all,
 * so MobileNetV2's depthwise convs keep ours; InceptionV3 has none and is fully stock.
 */
function loadNetwork(id: BenchNetwork, gradients: 'ours' | 'stock'): FrozenNetwork {
  const [cut, tapLayers] = id === 'mobilenet' ? ([mobilenetCut, mobilenetTapLayers] as const) : ([inceptionCut, inceptionTapLayers] as const)
  const bundle = readNsfwjsBundle(path.dirname(modelFiles(id, { dataDir: os.tmpdir() })[0]!))
  const graph = foldKerasGraph(ancestorsOf(bundle.layers, cut), bundle.weights)
  if (gradients === 'ours') return frozenNetwork({ id, graph, tapLayers: [...tapLayers] })
  const stock: FrozenGraph = {
    ...graph,
    ops: graph.ops.map((op) => {
      if (op.kind !== 'conv' || op.conv.depthwise) return op
      const c = op.conv
      const apply = (x: tf.Tensor4D): tf.Tensor4D => {
        const z = tf.conv2d(x, c.filter, c.strides, c.pad).add(c.bias) as tf.Tensor4D
        return c.activation === 'relu' ? tf.relu(z) : c.activation === 'relu6' ? tf.relu6(z) : z
      }
      return { ...op, conv: { ...c, apply } }
    })
  }
  return frozenNetwork({ id, graph: stock, tapLayers: [...tapLayers] })
}

interface Run {
  /** Seconds since the start, and J where each iteration of the final scale began. */
  trace: { seconds: number; total: number; iteration: number }[]
  seconds: number
  image: RgbImage
}

async function timedRun(params: StyleParams, network: FeatureNetwork): Promise<Run> {
  const stamps: number[] = []
  const start = performance.now()
  const result = await stylize(params, network, { onProgress: () => stamps.push((performance.now() - start) / 1000) })
  // J is comparable between runs only at the final scale.
  const trace = result.history
    .map((record, i) => ({ seconds: stamps[i], total: record.total, iteration: record.iteration, width: record.width }))
    .filter((record) => record.width === result.image.width)
  return { trace, seconds: (performance.now() - start) / 1000, image: result.image }
}

function emit(line: Record<string, unknown>): void {
  console.log(JSON.stringify({ bench: 'style', ...line }))
}

async function main(): Promise<void> {
  const backend = await initBackend('wasm')
  const iterations = Number(flags.iterations)
  const size = Number(flags.size)
  const networkId = flags.network as BenchNetwork
  const { content, style, names } = await pictures()
  emit({ kind: 'setup', backend: backend.name, simd: backend.simd, network: networkId, size, iterations, content: names[0], style: names[1] })

  const base: StyleParams = { ...defaultStyleSettings(networkId), content, styles: [{ image: style, weight: 1 }], size, iterations, previewEvery: iterations + 1 }
  if (!flags['skip-reference']) {
    const stock = loadNetwork(networkId, 'stock')
    const fast = loadNetwork(networkId, 'ours')
    const referenceParams: StyleParams = { ...base, multiScale: false, optimizer: 'adam', init: 'noise' }
    const reference = await timedRun(referenceParams, stock)
    // J is measured at a random shift each iteration: the reference's end is the mean of its last five.
    const last = reference.trace.slice(-5)
    const referenceLoss = last.reduce((sum, r) => sum + r.total, 0) / last.length
    emit({ kind: 'reference', network: networkId, size, optimizer: 'adam', init: 'noise', scales: 1, gradients: 'stock', iterations, seconds: round(reference.seconds), finalLoss: round(referenceLoss, 4) })

    // Two runs of ours: the fast recipe (L-BFGS, Gatys' choice, a new shift every 10 iterations
    // so that its curvature pairs see one objective, the studio's 100 iterations), and the
    // studio's defaults (Adam, a new shift every iteration) over as many iterations as the reference.
    const variants: { kind: string; params: StyleParams }[] = [
      {
        kind: 'ours',
        params: {
          ...base,
          optimizer: (flags.optimizer as 'lbfgs' | 'adam' | undefined) ?? 'lbfgs',
          shiftEvery: Number(flags['shift-every'] ?? 10),
          iterations: Number(flags['ours-iterations'] ?? defaultStyleSettings(networkId).iterations)
        }
      },
      { kind: 'oursStudioDefaults', params: base }
    ]
    for (const { kind, params } of variants) {
      const ours = await timedRun({ ...params, previewEvery: params.iterations + 1 }, fast)
      if (flags.out && kind === 'ours') writeFileSync(flags.out, await encodePng(ours.image))
      const reached = ours.trace.find((r) => r.total <= referenceLoss)
      emit({
        kind,
        network: networkId,
        size,
        optimizer: params.optimizer,
        init: params.init,
        scales: 'coarse-to-fine',
        shiftEvery: params.shiftEvery,
        gradients: 'flipped-kernel',
        iterations: params.iterations,
        seconds: round(ours.seconds),
        finalLoss: round(ours.trace[ours.trace.length - 1].total, 4),
        reachedReferenceLoss: reached !== undefined,
        iterationToReferenceLoss: reached?.iteration ?? null,
        secondsToReferenceLoss: reached ? round(reached.seconds) : null,
        speedup: reached ? round(reference.seconds / reached.seconds, 2) : null
      })
    }
    stock.dispose()
    fast.dispose()
  }

  for (const id of ['mobilenet', 'inception'] as const) {
    const network = loadNetwork(id, 'ours')
    const settings = defaultStyleSettings(id)
    const taps = [settings.contentLayer, ...settings.styleLayers.map((l) => l.name)]
    for (const side of flags.sizes.split(',').map(Number)) {
      const perIteration = 3
      const params: StyleParams = { ...settings, content, styles: [{ image: style, weight: 1 }], size: side, iterations: perIteration + 1, multiScale: false, optimizer: 'adam', previewEvery: 100 }
      const stamps: number[] = []
      const start = performance.now()
      await stylize(params, network, { onProgress: () => stamps.push(performance.now()) })
      // The first iteration also pays for the targets: time the ones after it.
      const seconds = (stamps[stamps.length - 1] - stamps[0]) / 1000 / perIteration
      emit({ kind: 'perIteration', network: id, size: side, optimizer: 'adam', padShift: true, secondsPerIteration: round(seconds), firstIterationSeconds: round((stamps[0] - start) / 1000), ...passRates(network, taps, side) })
    }
    network.dispose()
  }
  emit({ kind: 'memory', numTensors: tf.memory().numTensors })
}

/** Achieved GFLOP/s of the convs, forward alone and backward (forward + backward − forward), on a square image. */
function passRates(network: FrozenNetwork, taps: string[], side: number): { forwardGflops: number; backwardGflops: number } {
  const image = tf.randomUniform([1, side, side, 3]) as tf.Tensor4D
  const loss = (x: tf.Tensor): tf.Scalar => tf.addN(Object.values(network.forward(x as tf.Tensor4D, taps)).map((a) => a.square().mean())) as tf.Scalar
  const timed = (run: () => void): number => {
    const start = performance.now()
    run()
    return (performance.now() - start) / 1000
  }
  const forward = timed(() => tf.tidy(() => loss(image).dataSync()))
  const both = timed(() => tf.tidy(() => tf.grad(loss)(image).dataSync()))
  image.dispose()
  const gflop = convFlops(network.graph, taps, side, side) / 1e9
  return { forwardGflops: round(gflop / forward, 1), backwardGflops: round(gflop / Math.max(1e-9, both - forward), 1) }
}

function round(x: number, digits = 3): number {
  return Number(x.toFixed(digits))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
