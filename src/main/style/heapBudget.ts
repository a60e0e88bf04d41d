import * as tf from '@tensorflow/tfjs'
import { LikenessError } from '../../shared/errors'
import type { FeatureNetwork } from '../engine/network'
import { wasmHeapLimitBytes } from './networks/activationMemory'
import type { FrozenNetwork } from './networks/frozenNetwork'

/**
 * Measured on MobileNetV2 (256, 512, 768 px): one gradient evaluation grows the wasm heap to
 * 3.5–3.6× the tape estimate — the backward pass holds gradients beside the tape, and the heap
 * never shrinks or defragments. VGG19 at 768 px aborting is this, not the estimate alone.
 */
const heapPerEstimatedByte = 3.6

type Sized = Pick<FrozenNetwork, 'estimateActivationBytes'>

function canEstimate(network: FeatureNetwork): network is FeatureNetwork & Sized {
  return typeof (network as Partial<Sized>).estimateActivationBytes === 'function'
}

/** What the network sees of an image at this size: reflect padding on each side, less the shift window. */
function framedSide(side: number, padding: number, maxShift: number): number {
  return side + 2 * padding - maxShift
}

function heapBytes(network: Sized, size: { width: number; height: number }, padding: number, maxShift: number): number {
  const height = framedSide(size.height, padding, maxShift)
  const width = framedSide(size.width, padding, maxShift)
  return heapPerEstimatedByte * network.estimateActivationBytes(height, width, { gradient: true })
}

/**
 * The heap never shrinks and an earlier scale leaves it fragmented: a region is planned to use at
 * most this share of it, not all of it. A margin, not a measured limit.
 */
const plannedShare = 0.6

/** Whether one gradient pass over a width × height region fits the planned share of the wasm heap; always on other backends. */
export function regionFitsBackend(network: FeatureNetwork, size: { width: number; height: number }, framing: { padding: number; maxShift: number }): boolean {
  if (tf.getBackend() !== 'wasm' || !canEstimate(network)) return true
  return heapBytes(network, size, framing.padding, framing.maxShift) <= plannedShare * wasmHeapLimitBytes
}

/**
 * The side of the largest square region that fits (a multiple of 16, for the networks' strides);
 * Infinity where the backend has no such limit. Refuses, naming the sizes, a network that cannot
 * hold even a `minimum`-px region.
 */
export function largestRegionSide(network: FeatureNetwork, framing: { padding: number; maxShift: number }, minimum: number): number {
  if (tf.getBackend() !== 'wasm' || !canEstimate(network)) return Infinity
  const fits = (side: number): boolean => regionFitsBackend(network, { width: side, height: side }, framing)
  if (!fits(minimum)) {
    const estimatedBytes = heapBytes(network, { width: minimum, height: minimum }, framing.padding, framing.maxShift)
    throw new LikenessError('TooBigForBackend', `This network needs more memory than the compute backend can hold even for a ${minimum} px tile.`, {
      estimatedBytes,
      limitBytes: plannedShare * wasmHeapLimitBytes,
      size: minimum
    })
  }
  let low = minimum
  let high = 2 * minimum
  while (fits(high)) [low, high] = [high, 2 * high]
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2)
    if (fits(middle)) low = middle
    else high = middle
  }
  return Math.max(minimum, low - (low % 16))
}
