import * as tf from '@tensorflow/tfjs'
import { disposeFrozenConv, type FrozenConv } from '../../engine/kernels/frozenConv'
import type { NetworkNode } from '../../engine/network'
import { LikenessError } from '../../../shared/errors'

/** [top, bottom], [left, right] zeros, as Keras's ZeroPadding2D. */
export type SpatialPadding = [[number, number], [number, number]]

/** One step of a network with batch norm folded away and activations fused into their convs. */
export type GraphOp =
  | { kind: 'conv'; name: string; input: string; conv: FrozenConv }
  | { kind: 'maxPool' | 'avgPool'; name: string; input: string; size: [number, number]; strides: number; pad: 'same' | 'valid' }
  | { kind: 'zeroPad'; name: string; input: string; padding: SpatialPadding }
  | { kind: 'concat' | 'add'; name: string; inputs: string[] }

export interface FrozenGraph {
  inputName: string
  /** Topological order. */
  ops: GraphOp[]
}

function opInputs(op: GraphOp): string[] {
  return 'inputs' in op ? op.inputs : [op.input]
}

function applyOp(op: GraphOp, inputs: tf.Tensor4D[]): tf.Tensor4D {
  switch (op.kind) {
    case 'conv':
      return op.conv.apply(inputs[0])
    case 'maxPool':
      return tf.maxPool(inputs[0], op.size, op.strides, op.pad)
    case 'avgPool':
      return tf.avgPool(inputs[0], op.size, op.strides, op.pad)
    case 'zeroPad':
      return inputs[0].pad([[0, 0], op.padding[0], op.padding[1], [0, 0]])
    case 'concat':
      return tf.concat(inputs, 3)
    case 'add':
      return tf.addN(inputs)
  }
}

/** The ops `wanted` depends on, in order. */
function opsNeeded(graph: FrozenGraph, wanted: readonly string[]): GraphOp[] {
  const byName = new Map(graph.ops.map((op) => [op.name, op]))
  const needed = new Set<string>()
  const pending = [...wanted]
  while (pending.length > 0) {
    const name = pending.pop()!
    const op = byName.get(name)
    if (!op || needed.has(name)) continue
    needed.add(name)
    pending.push(...opInputs(op))
  }
  return graph.ops.filter((op) => needed.has(op.name))
}

/**
 * Runs only what the taps need and frees each intermediate after its last reader, so a
 * forward pass holds little more than the taps (under a gradient tape the tape keeps its own).
 */
export function runGraph(graph: FrozenGraph, input: tf.Tensor4D, taps: readonly string[]): Record<string, tf.Tensor4D> {
  const ops = opsNeeded(graph, taps)
  const lastReader = new Map<string, number>()
  ops.forEach((op, index) => opInputs(op).forEach((name) => lastReader.set(name, index)))
  const kept = new Set([...taps, graph.inputName])
  const values = new Map<string, tf.Tensor4D>([[graph.inputName, input]])
  ops.forEach((op, index) => {
    const inputs = opInputs(op).map((name) => values.get(name)!)
    values.set(op.name, applyOp(op, inputs))
    for (const name of opInputs(op)) {
      if (lastReader.get(name) === index && !kept.has(name)) {
        values.get(name)!.dispose()
        values.delete(name)
      }
    }
  })
  return Object.fromEntries(taps.map((name) => [name, values.get(name)!]))
}

// Output size: 'same' → ⌈n / s⌉, 'valid' → ⌊(n − k) / s⌋ + 1 (TensorFlow's rules).
function spatialOut(size: number, kernel: number, strides: number, pad: 'same' | 'valid'): number {
  return pad === 'same' ? Math.ceil(size / strides) : Math.floor((size - kernel) / strides) + 1
}

export type ActivationShape = [height: number, width: number, channels: number]

/** [height, width, channels] of the input and of every op's output, for one image of this size. */
export function activationShapes(graph: FrozenGraph, height: number, width: number): Map<string, ActivationShape> {
  const shapes = new Map<string, ActivationShape>([[graph.inputName, [height, width, 3]]])
  for (const op of graph.ops) {
    const inputs = opInputs(op).map((name) => shapes.get(name)!)
    const [h, w, c] = inputs[0]
    switch (op.kind) {
      case 'conv': {
        const [kh, kw, cin, multiplier] = op.conv.filter.shape
        const channels = op.conv.depthwise ? cin * multiplier : multiplier
        shapes.set(op.name, [spatialOut(h, kh, op.conv.strides, op.conv.pad), spatialOut(w, kw, op.conv.strides, op.conv.pad), channels])
        break
      }
      case 'maxPool':
      case 'avgPool':
        shapes.set(op.name, [spatialOut(h, op.size[0], op.strides, op.pad), spatialOut(w, op.size[1], op.strides, op.pad), c])
        break
      case 'zeroPad':
        shapes.set(op.name, [h + op.padding[0][0] + op.padding[0][1], w + op.padding[1][0] + op.padding[1][1], c])
        break
      case 'concat':
        shapes.set(op.name, [h, w, inputs.reduce((sum, shape) => sum + shape[2], 0)])
        break
      case 'add':
        shapes.set(op.name, [h, w, c])
        break
    }
  }
  return shapes
}

/** The smallest square side at which every op still has at least one output pixel. */
export function minimumInputSize(graph: FrozenGraph): number {
  let side = 1
  while ([...activationShapes(graph, side, side).values()].some(([h, w]) => h < 1 || w < 1)) side++
  return side
}

/** Geometry for receptive fields: kernel, stride and leading padding per op. */
export function graphNodes(graph: FrozenGraph): NetworkNode[] {
  const shapes = activationShapes(graph, 224, 224)
  const input: NetworkNode = { name: graph.inputName, op: 'input', kernel: 1, stride: 1, padding: 'valid', inputs: [], channels: 3 }
  return [
    input,
    ...graph.ops.map((op): NetworkNode => {
      const channels = shapes.get(op.name)![2]
      const inputs = opInputs(op)
      switch (op.kind) {
        case 'conv': {
          const [kh, kw] = op.conv.filter.shape
          const node: NetworkNode = {
            name: op.name,
            op: op.conv.depthwise ? 'depthwiseConv' : 'conv',
            kernel: Math.max(kh, kw),
            stride: op.conv.strides,
            padding: op.conv.pad,
            inputs,
            channels
          }
          return kh === kw ? node : { ...node, kernelSize: [kh, kw] }
        }
        case 'maxPool':
        case 'avgPool':
          return { name: op.name, op: op.kind, kernel: op.size[0], stride: op.strides, padding: op.pad, inputs, channels }
        case 'zeroPad':
          return { name: op.name, op: 'elementwise', kernel: 1, stride: 1, padding: op.padding[0][0], inputs, channels }
        case 'concat':
        case 'add':
          return { name: op.name, op: op.kind, kernel: 1, stride: 1, padding: 'valid', inputs, channels }
      }
    })
  ]
}

export function disposeGraph(graph: FrozenGraph): void {
  for (const op of graph.ops) if (op.kind === 'conv') disposeFrozenConv(op.conv)
}

export function requireTaps(graph: FrozenGraph, taps: readonly string[]): void {
  const known = new Set([graph.inputName, ...graph.ops.map((op) => op.name)])
  const unknown = taps.filter((name) => !known.has(name))
  if (unknown.length > 0) throw new LikenessError('BadRequest', `Unknown layer ${unknown.join(', ')}.`, { unknown })
}
