import * as tf from '@tensorflow/tfjs'
import type { backend_util } from '@tensorflow/tfjs'
import { LikenessError } from '../../../shared/errors'

/** tfjs's explicit padding: [[0, 0], [top, bottom], [left, right], [0, 0]]. */
export type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]]
export type ConvPadding = 'same' | 'valid' | number | ExplicitPadding
export type ConvInfo = backend_util.Conv2DInfo

/** tfjs's own geometry for a conv (shapes, strides, the pixels 'same' adds on each side); dilated convs are refused. */
export function convInfo(
  xShape: readonly number[],
  filterShape: readonly number[],
  strides: number | [number, number],
  pad: ConvPadding,
  depthwise: boolean,
  dilations: number | [number, number] = 1,
  roundingMode?: 'floor' | 'round' | 'ceil'
): ConvInfo {
  if ((typeof dilations === 'number' ? dilations : Math.max(...dilations)) !== 1) {
    throw new LikenessError('Unsupported', 'Gradients of dilated convolutions are not implemented.', { dilations })
  }
  return tf.backend_util.computeConv2DInfo(
    [...xShape] as [number, number, number, number],
    [...filterShape] as [number, number, number, number],
    strides,
    1,
    pad,
    roundingMode,
    depthwise
  )
}

/**
 * Zero-insertion: row i of dy moves to row i·s, where the strided forward conv read it, so that
 * the input gradient becomes a stride-1 correlation. Length becomes (n − 1)·s + 1.
 */
export function dilateSpatially(dy: tf.Tensor4D, strideHeight: number, strideWidth: number): tf.Tensor4D {
  if (strideHeight === 1 && strideWidth === 1) return dy
  return tf.tidy(() => {
    const [batch, height, width, channels] = dy.shape
    const spread = dy
      .reshape([batch, height, 1, width, 1, channels])
      .pad([[0, 0], [0, 0], [0, strideHeight - 1], [0, 0], [0, strideWidth - 1], [0, 0]])
      .reshape([batch, height * strideHeight, width * strideWidth, channels]) as tf.Tensor4D
    return spread.slice([0, 0, 0, 0], [batch, (height - 1) * strideHeight + 1, (width - 1) * strideWidth + 1, channels])
  })
}

/**
 * Padding that makes a stride-1 correlation of the dilated dy with a k×k kernel land exactly on
 * the input: leading k − 1 − padLeading, trailing size + padLeading − dilatedLength. A side that
 * comes out negative (trailing input rows the strided conv never read) crops dy instead.
 */
export function transposedConvPadding(dilated: tf.Tensor4D, info: ConvInfo): { dy: tf.Tensor4D; pad: ExplicitPadding } {
  const { filterHeight, filterWidth, inHeight, inWidth, padInfo } = info
  const top = filterHeight - 1 - padInfo.top
  const left = filterWidth - 1 - padInfo.left
  const bottom = inHeight + padInfo.top - dilated.shape[1]
  const right = inWidth + padInfo.left - dilated.shape[2]
  const pad: ExplicitPadding = [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [0, 0]]
  if (Math.min(top, bottom, left, right) >= 0) return { dy: dilated, pad }
  const cropTop = Math.max(0, -top)
  const cropLeft = Math.max(0, -left)
  const dy = dilated.slice(
    [0, cropTop, cropLeft, 0],
    [-1, dilated.shape[1] - cropTop - Math.max(0, -bottom), dilated.shape[2] - cropLeft - Math.max(0, -right), -1]
  )
  return { dy, pad }
}
