import * as tf from '@tensorflow/tfjs'
import type { FeatureNetwork } from '../engine/network'
import type { RgbImage } from '../image/decode'
import { receptiveFields, type ReceptiveField } from './receptiveField'

export interface LayerGeometry {
  name: string
  /** [height, width, channels] for an input of the asked size. */
  outputShape: [number, number, number]
  receptiveField: ReceptiveField
}

/** The tap layers with their output shapes (from one pass on zeros: the engine's shapes) and receptive fields. */
export function layerGeometry(network: FeatureNetwork, height: number, width: number): LayerGeometry[] {
  const fields = receptiveFields(network.nodes)
  const shapes = tf.tidy(() => {
    const outputs = network.forward(tf.zeros([1, height, width, 3]) as tf.Tensor4D, network.tapLayers)
    return Object.fromEntries(network.tapLayers.map((layer) => [layer, outputs[layer].shape.slice(1) as [number, number, number]]))
  })
  return network.tapLayers.map((name) => ({ name, outputShape: shapes[name], receptiveField: fields.get(name)! }))
}

/** The layer a scan uses when none is named: the middle tap, between edges and parts. */
export function middleLayer(network: FeatureNetwork): string {
  return network.tapLayers[Math.floor(network.tapLayers.length / 2)]
}

/** RGB scaled so its shorter side is `side` (aspect kept), the size every scan and grid of a network works at. */
export function toScanSize(image: RgbImage, side: number): RgbImage {
  const scale = side / Math.min(image.width, image.height)
  const height = Math.max(1, Math.round(image.height * scale))
  const width = Math.max(1, Math.round(image.width * scale))
  const resized = tf.tidy(() =>
    tf.image.resizeBilinear(tf.tensor3d(image.data, [image.height, image.width, 3], 'int32').toFloat(), [height, width], false, true).round().clipByValue(0, 255).toInt()
  )
  const data = Uint8Array.from(resized.dataSync())
  resized.dispose()
  return { width, height, data }
}
