import { LikenessError } from '../../shared/errors'
import type { FeatureNetwork } from '../engine/network'
import type { RgbImage } from '../image/decode'
import type { StyleParams } from './settings'

/** Below this an image holds no texture worth matching (and reflect padding needs room). */
const minImageSide = 16
/** The short side of the result must outlast the reflect padding at every scale. */
export const minResultShortSide = 32
const maxSize = 2048

/** Refuses, with a BadRequest that names the field, what stylize cannot work with. */
export function validateStyleParams(params: StyleParams, network: FeatureNetwork): void {
  const bad = (message: string, field: string, value?: unknown): never => {
    throw new LikenessError('BadRequest', message, { field, value })
  }
  checkImage(params.content, 'content', bad)
  if (params.start) checkImage(params.start, 'start', bad)
  if (params.styles.length === 0) bad('Choose at least one style image.', 'styles')
  params.styles.forEach((style, i) => {
    checkImage(style.image, `styles[${i}].image`, bad)
    if (!(style.weight >= 0 && Number.isFinite(style.weight))) bad('A style weight must be a number ≥ 0.', `styles[${i}].weight`, style.weight)
  })
  if (!(params.styles.reduce((sum, s) => sum + s.weight, 0) > 0)) bad('At least one style needs a weight above 0.', 'styles')
  if (!Number.isInteger(params.iterations) || params.iterations < 1) bad('Iterations must be a whole number ≥ 1.', 'iterations', params.iterations)
  if (!Number.isInteger(params.size) || params.size < minResultShortSide || params.size > maxSize) {
    bad(`The size must be a whole number of pixels from ${minResultShortSide} to ${maxSize}.`, 'size', params.size)
  }
  const shortSide = (Math.min(params.content.width, params.content.height) * params.size) / Math.max(params.content.width, params.content.height)
  if (Math.round(shortSide) < minResultShortSide) bad('The photo is too narrow for this size: its short side would be under 32 px.', 'size', params.size)

  const known = new Set(network.nodes.map((node) => node.name))
  const layers = [params.contentLayer, ...params.styleLayers.map((l) => l.name)]
  for (const layer of layers) if (!known.has(layer)) bad(`The ${network.id} network has no layer called "${layer}".`, 'layer', layer)
  if (params.styleLayers.length === 0) bad('Choose at least one style layer.', 'styleLayers')
  params.styleLayers.forEach((l, i) => nonNegative(l.weight, `styleLayers[${i}].weight`, bad))
  nonNegative(params.weights.content, 'weights.content', bad)
  nonNegative(params.weights.style, 'weights.style', bad)
  nonNegative(params.weights.tv, 'weights.tv', bad)
  if (!(params.styleScale > 0 && params.styleScale <= 4)) bad('The style scale must be above 0 and at most 4.', 'styleScale', params.styleScale)
  if (!(params.learningRate > 0 && Number.isFinite(params.learningRate))) bad('The learning rate must be above 0.', 'learningRate', params.learningRate)
  if (!(params.noiseRatio >= 0 && params.noiseRatio <= 1)) bad('The noise share must be between 0 and 1.', 'noiseRatio', params.noiseRatio)
  if (!(params.swagTemperature > 0 && Number.isFinite(params.swagTemperature))) bad('The SWAG temperature must be above 0.', 'swagTemperature', params.swagTemperature)
  if (!Number.isInteger(params.padding) || params.padding < 0 || params.padding >= minResultShortSide) bad('Padding must be 0 to 31 px.', 'padding', params.padding)
  if (!Number.isInteger(params.maxShift) || params.maxShift < 0 || params.maxShift > 8) bad('The shift must be 0 to 8 px.', 'maxShift', params.maxShift)
  if (!Number.isInteger(params.shiftEvery) || params.shiftEvery < 1) bad('Shifts need a whole number of iterations ≥ 1.', 'shiftEvery', params.shiftEvery)
  if (!Number.isInteger(params.minSide) || params.minSide < minResultShortSide) bad('The smallest scale must be at least 32 px.', 'minSide', params.minSide)
  if (!Number.isInteger(params.previewEvery) || params.previewEvery < 1) bad('Previews need a whole number of iterations ≥ 1.', 'previewEvery', params.previewEvery)
}

function checkImage(image: RgbImage, field: string, bad: (message: string, field: string, value?: unknown) => never): void {
  if (image.width < minImageSide || image.height < minImageSide) {
    bad(`Images must be at least ${minImageSide}×${minImageSide} pixels.`, field, `${image.width}×${image.height}`)
  }
  if (image.data.length !== image.width * image.height * 3) bad('The image data does not match its size.', field)
}

function nonNegative(value: number, field: string, bad: (message: string, field: string, value?: unknown) => never): void {
  if (!(value >= 0 && Number.isFinite(value))) bad('Weights must be numbers ≥ 0.', field, value)
}
