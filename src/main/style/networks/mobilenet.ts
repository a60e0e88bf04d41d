import { ancestorsOf } from './kerasTopology'
import { foldKerasGraph } from './kerasFolding'
import { frozenNetwork, type FrozenNetwork } from './frozenNetwork'
import { readNsfwjsBundle } from './nsfwjsBundle'

export const mobilenetCut = 'block_13_expand_relu'

/** The stem and each inverted-residual block's expansion, where its features are widest. */
export const mobilenetTapLayers = ['Conv1_relu', ...Array.from({ length: 13 }, (_, i) => `block_${i + 1}_expand_relu`)]

/** nsfwjs's ImageNet MobileNetV2 (width 1.0, its bundle in `dir`), up to block 13's expansion, batch norm folded; RGB in [0, 1]. */
export function loadMobileNet(dir: string): FrozenNetwork {
  const bundle = readNsfwjsBundle(dir)
  const graph = foldKerasGraph(ancestorsOf(bundle.layers, mobilenetCut), bundle.weights)
  return frozenNetwork({ id: 'mobilenet', graph, tapLayers: mobilenetTapLayers })
}
