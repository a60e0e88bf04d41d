import { ancestorsOf } from './kerasTopology'
import { foldKerasGraph } from './kerasFolding'
import { frozenNetwork, type FrozenNetwork } from './frozenNetwork'
import { readNsfwjsBundle } from './nsfwjsBundle'

/** nsfwjs kept ImageNet's weights frozen up to mixed5, where the style layers sit; a little beyond is enough. */
export const inceptionCut = 'mixed7'

/** The stem's activations and every Inception block up to the cut. */
export const inceptionTapLayers = [
  'activation_1',
  'activation_2',
  'activation_3',
  'activation_4',
  'activation_5',
  'mixed0',
  'mixed1',
  'mixed2',
  'mixed3',
  'mixed4',
  'mixed5',
  'mixed6',
  'mixed7'
]

/** nsfwjs's ImageNet InceptionV3 (its bundle in `dir`), cut at mixed7, batch norm folded, any input size; RGB in [0, 1]. */
export function loadInception(dir: string): FrozenNetwork {
  const bundle = readNsfwjsBundle(dir)
  const graph = foldKerasGraph(ancestorsOf(bundle.layers, inceptionCut), bundle.weights)
  return frozenNetwork({ id: 'inception', graph, tapLayers: inceptionTapLayers })
}
