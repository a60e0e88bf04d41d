import * as tf from '@tensorflow/tfjs'
import { LikenessError } from '../../shared/errors'
import type { FeatureNetwork } from '../engine/network'
import { wasmHeapLimitBytes } from './networks/activationMemory'
import type { FrozenNetwork } from './networks/frozenNetwork'
import { fitLongestSide } from './resize'

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
 * Refuses, before anything is allocated, a result size whose gradient pass the wasm heap cannot
 * hold (it aborts the process rather than throwing), naming the largest size that fits. Other
 * backends, and networks that cannot estimate their memory, are not limited here.
 */
export function requireSizeFitsBackend(
  network: FeatureNetwork,
  content: { width: number; height: number },
  size: number,
  framing: { padding: number; maxShift: number }
): void {
  if (tf.getBackend() !== 'wasm' || !canEstimate(network)) return
  const bytesAt = (longest: number): number => heapBytes(network, fitLongestSide(content.width, content.height, longest), framing.padding, framing.maxShift)
  const estimatedBytes = bytesAt(size)
  if (estimatedBytes <= wasmHeapLimitBytes) return
  const largestSize = largestFitting(bytesAt, size)
  throw new LikenessError('TooBigForBackend', `At ${size} px this network needs more memory than the compute backend can hold; ${largestSize} px fits.`, {
    estimatedBytes,
    limitBytes: wasmHeapLimitBytes,
    size,
    largestSize
  })
}

/** Bisection on the longest side: the estimate grows with the image. */
function largestFitting(bytesAt: (longest: number) => number, tooBig: number): number {
  let low = 1
  let high = tooBig
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2)
    if (bytesAt(middle) <= wasmHeapLimitBytes) low = middle
    else high = middle
  }
  return low
}
