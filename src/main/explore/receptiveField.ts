import type { NetworkNode } from '../engine/network'
import { LikenessError } from '../../shared/errors'

/**
 * The square of input pixels one unit of a layer sees, along each axis (the networks here use
 * square kernels and strides, so one axis describes both).
 */
export interface ReceptiveField {
  /** Side of the square, in input pixels (r). */
  size: number
  /** Input pixels between neighbouring units (the jump j). */
  stride: number
  /** Input coordinate of the first unit's first pixel; negative where the field reaches into padding. */
  start: number
  /**
   * True from a global pool or dense layer on: the unit mixes every position, so it sees the
   * whole image. size, stride and start then keep the field of the units it pooled over.
   */
  global: boolean
}

/** An input-pixel rectangle, clipped to the image. */
export interface PatchBox {
  top: number
  left: number
  height: number
  width: number
}

const inputField: ReceptiveField = { size: 1, stride: 1, start: 0, global: false }

/**
 * Pixels a layer pads before its first input, by TensorFlow's 'same' rule
 * pad_total = max(k − s, 0), pad_before = ⌊pad_total / 2⌋.
 *
 * That pad_total holds when the input size n is divisible by s. For other n TensorFlow pads
 * max(k − (n mod s), 0), up to s − 1 more, so `start` may sit up to ⌈(s − 1) / 2⌉ input units
 * (of that layer) too far right; size and stride are exact for any n. Fields do not depend on
 * the image size this way, which is what a per-layer table and a cached scan need.
 */
export function padBefore(node: Pick<NetworkNode, 'kernel' | 'stride' | 'padding'>): number {
  if (node.padding === 'valid') return 0
  if (node.padding === 'same') return Math.floor(Math.max(node.kernel - node.stride, 0) / 2)
  return node.padding
}

// r_out = r_in + (k − 1)·j_in, j_out = j_in·s, start_out = start_in − pad_before·j_in
function throughWindow(field: ReceptiveField, node: NetworkNode): ReceptiveField {
  if (field.global) return field
  return {
    size: field.size + (node.kernel - 1) * field.stride,
    stride: field.stride * node.stride,
    start: field.start - padBefore(node) * field.stride,
    global: false
  }
}

// Branches that meet (add, concat) see the union of their fields: the largest when they are centred alike.
function union(name: string, fields: ReceptiveField[]): ReceptiveField {
  const stride = fields[0].stride
  if (fields.some((field) => field.stride !== stride)) {
    throw new LikenessError('BadRequest', `The inputs of ${name} step over the image at different strides.`, {
      node: name,
      strides: fields.map((field) => field.stride)
    })
  }
  const start = Math.min(...fields.map((field) => field.start))
  const end = Math.max(...fields.map((field) => field.start + field.size))
  return { size: end - start, stride, start, global: fields.some((field) => field.global) }
}

/** Every node's receptive field, walking the graph in its topological order from the input. */
export function receptiveFields(nodes: readonly NetworkNode[]): Map<string, ReceptiveField> {
  const fields = new Map<string, ReceptiveField>()
  for (const node of nodes) {
    if (node.op === 'input') {
      fields.set(node.name, inputField)
      continue
    }
    const inputs = node.inputs.map((name) => {
      const field = fields.get(name)
      if (!field) throw new LikenessError('BadRequest', `${node.name} reads ${name}, which does not come before it.`, { node: node.name, input: name })
      return field
    })
    if (inputs.length === 0) throw new LikenessError('BadRequest', `${node.name} has no inputs.`, { node: node.name })
    const merged = inputs.length === 1 ? inputs[0] : union(node.name, inputs)
    fields.set(node.name, fieldAfter(node, merged))
  }
  return fields
}

function fieldAfter(node: NetworkNode, input: ReceptiveField): ReceptiveField {
  switch (node.op) {
    case 'conv':
    case 'depthwiseConv':
    case 'maxPool':
    case 'avgPool':
      return throughWindow(input, node)
    case 'globalPool':
    case 'dense':
      return { ...input, global: true }
    default:
      return input
  }
}

/** The receptive field of one layer, or NotFound naming the layers there are. */
export function receptiveFieldOf(nodes: readonly NetworkNode[], layer: string): ReceptiveField {
  const field = receptiveFields(nodes).get(layer)
  if (!field) throw new LikenessError('NotFound', `This network has no layer called ${layer}.`, { layer })
  return field
}

// top = start + y·j, bottom = top + r (exclusive), each clipped to [0, image size]
export function patchBox(field: ReceptiveField, y: number, x: number, imageHeight: number, imageWidth: number): PatchBox {
  if (field.global) return { top: 0, left: 0, height: imageHeight, width: imageWidth }
  const [top, bottom] = clippedSpan(field.start + y * field.stride, field.size, imageHeight)
  const [left, right] = clippedSpan(field.start + x * field.stride, field.size, imageWidth)
  return { top, left, height: bottom - top, width: right - left }
}

function clippedSpan(first: number, size: number, limit: number): [number, number] {
  const from = Math.min(Math.max(first, 0), limit)
  const to = Math.min(Math.max(first + size, from), limit)
  return [from, to]
}
