import { activationShapes, type FrozenGraph } from './frozenGraph'

export interface MemoryEstimateOptions {
  /** Images per batch; 1 unless given. */
  batch?: number
  /** Whether the pass is differentiated (the style studio) or forward only (the layer explorer). */
  gradient?: boolean
}

/** wasm32's address space: the heap cannot grow past 4 GiB (VGG19 at 768 px aborts there). */
export const wasmHeapLimitBytes = 4 * 2 ** 30

const bytesPerFloat = 4

// bytes ≈ 4·(Σ_ops h·w·c·batch)·(2 if differentiated) + 4·(2·Σ filters + Σ biases).
// The tape keeps every op's output and the backward pass holds about as much again in
// gradients; a forward pass frees intermediates early, so the plain sum is an upper bound.
// Weights count twice: each conv keeps its kernel flipped for the image gradient.
export function estimateActivationBytes(graph: FrozenGraph, height: number, width: number, options: MemoryEstimateOptions = {}): number {
  const batch = options.batch ?? 1
  let activations = 0
  for (const [h, w, c] of activationShapes(graph, height, width).values()) activations += Math.max(0, h) * Math.max(0, w) * c
  let weights = 0
  for (const op of graph.ops) if (op.kind === 'conv') weights += 2 * op.conv.filter.size + op.conv.bias.size
  return bytesPerFloat * (activations * batch * (options.gradient ? 2 : 1) + weights)
}
