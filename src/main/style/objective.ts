import * as tf from '@tensorflow/tfjs'
import type { FeatureNetwork } from '../engine/network'
import {
  contentCost,
  contentNormaliser,
  gramMatrix,
  styleCost,
  styleLayerCost,
  styleNormaliser,
  totalCost,
  totalVariation
} from './costs'
import type { CostWeights, Normaliser, StyleLosses } from '../../shared/api/style'
import { frame, shiftKey, type Shift } from './frame'
import { laplacianLoss, laplacianTarget, type LaplacianTarget } from './laplacianLoss'
import type { ValueAndGradient } from './optimize'
import { styleActivations, type ContentTargets, type StyleLayerTarget } from './targets'

export interface ObjectiveSetup {
  network: FeatureNetwork
  weights: CostWeights
  /** λ of the Laplacian term; 0 leaves it out. */
  laplacianWeight: number
  /** C over G's region, unframed: what the Laplacian term holds G to. */
  content: tf.Tensor4D
  normaliser: Normaliser
  contentLayer: string
  /** a[l](C) at each of `shifts`, and the activation shapes at this framing. */
  contentTargets: ContentTargets
  shifts: readonly Shift[]
  styleTargets: readonly StyleLayerTarget[]
  padding: number
  maxShift: number
}

export interface StyleObjective {
  /** J(G) and ∂J/∂G with G seen at `shift`; the same function object for the same shift. */
  at(shift: Shift): ValueAndGradient<StyleLosses>
  dispose(): void
}

/**
 * J(G) = α·J_content + β·J_style + γ·TV(G) + λ·J_laplacian at one scale. Style targets are scaled from per-position
 * Grams to the generated image's n_H·n_W once, so each iteration compares raw Gram matrices as the
 * formula is written, and each normaliser is a number fixed for the scale.
 */
export function createStyleObjective(setup: ObjectiveSetup): StyleObjective {
  const { network, weights, contentLayer, padding, maxShift } = setup
  const styleLayers = setup.styleTargets.map((t) => t.layer)
  const taps = [...new Set([contentLayer, ...styleLayers])]
  const contentNormalisers = new Map<number, number>()
  const styleTerms = setup.styleTargets.map((target) => {
    const shape = setup.contentTargets.shapes[target.layer]
    const [, h, w] = shape
    const gram = tf.tidy(() => target.gramPerPosition.mul(h * w)) as tf.Tensor2D
    const normaliser = styleNormaliser(setup.normaliser, gram, shape, target.temperature !== undefined || target.shift !== 0)
    return { ...target, gram, normaliser }
  })

  const laplacian: LaplacianTarget | undefined = setup.laplacianWeight > 0 ? laplacianTarget(setup.content) : undefined

  const byShift = new Map<string, ValueAndGradient<StyleLosses>>()

  function evaluateAt(shiftIndex: number): ValueAndGradient<StyleLosses> {
    const shift = setup.shifts[shiftIndex]
    const contentTarget = setup.contentTargets.at(shiftIndex)
    const normaliser = contentNormalisers.get(shiftIndex) ?? contentNormaliser(setup.normaliser, contentTarget)
    contentNormalisers.set(shiftIndex, normaliser)
    let parts: tf.Scalar[] = []
    const valueAndGrad = tf.valueAndGrad((g: tf.Tensor) => {
      const image = g as tf.Tensor4D
      const activations = network.forward(frame(image, padding, shift, maxShift), taps)
      const content = contentCost(contentTarget, activations[contentLayer]).mul(normaliser) as tf.Scalar
      const style = styleCost(
        styleTerms.map((term) => styleLayerCost(term.gram, gramMatrix(styleActivations(activations[term.layer], term.temperature, term.shift)), term.normaliser)),
        styleTerms.map((term) => term.weight)
      )
      const tv = totalVariation(image)
      parts = [tf.keep(content), tf.keep(style), tf.keep(tv)]
      const total = totalCost(weights, content, style, tv)
      return laplacian ? total.add(laplacianLoss(laplacian, image).mul(setup.laplacianWeight)) : total
    })
    return (x) => {
      const { value, grad } = valueAndGrad(x)
      const [content, style, tv, total] = [...parts, value].map((t) => t.dataSync()[0])
      tf.dispose([...parts, value])
      parts = []
      return { value: total, gradient: grad, info: { content, style, tv, total } }
    }
  }

  return {
    at(shift) {
      const key = shiftKey(shift)
      let objective = byShift.get(key)
      if (!objective) {
        objective = evaluateAt(setup.shifts.findIndex((s) => shiftKey(s) === key))
        byShift.set(key, objective)
      }
      return objective
    },
    dispose() {
      tf.dispose([...styleTerms.map((term) => term.gram), ...(laplacian?.laplacians ?? [])])
    }
  }
}
