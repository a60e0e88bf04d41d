import type { NetworkNode } from '../engine/network'
import type { PatchRect } from '../../shared/api/explore'
import { LikenessError } from '../../shared/errors'

/**
 * The rectangle of input pixels one unit of a layer sees. Height and width differ only after
 * non-square kernels (InceptionV3's 1×7 and 7×1); strides are the same along both axes.
 */
export interface ReceptiveField {
  /** Size of the field in input pixels (r), per axis. */
  height: number
  width: number
  /** Input pixels between neighbouring units (the jump j). */
  stride: number
  /** Input coordinates of the first unit's first pixel; negative where the field reaches into padding. */
  top: number
  left: number
  /**
   * True from a global pool or dense layer on: the unit mixes every position, so it sees the
   * whole image. The other fields then keep the field of the units it pooled over.
   */
  global: boolean
}

const inputField: ReceptiveField = { height: 1, width: 1, stride: 1, top: 0, left: 0, global: false }

/** The kernel's [height, width]. */
function kernelSides(node: NetworkNode): [number, number] {
  return node.kernelSize ?? [node.kernel, node.kernel]
}

/**
 * Pixels a layer pads before its first input along an axis where the kernel is k wide, by
 * TensorFlow's 'same' rule pad_total = max(k − s, 0), pad_before = ⌊pad_total / 2⌋.
 *
 * That pad_total holds when the input size n is divisible by s. For other n TensorFlow pads
 * max(k − (n mod s), 0), up to s − 1 more, so `top`/`left` may sit up to ⌈(s − 1) / 2⌉ input
 * units (of that layer) too far right; sizes and strides are exact for any n. Fields then do not
 * depend on the image size, which is what a per-layer table and a cached scan need.
 */
function padBefore(kernel: number, stride: number, padding: NetworkNode['padding']): number {
  if (padding === 'valid') return 0
  if (padding === 'same') return Math.floor(Math.max(kernel - stride, 0) / 2)
  return padding
}

// r_out = r_in + (k − 1)·j_in, j_out = j_in·s, start_out = start_in − pad_before·j_in (per axis)
function throughWindow(field: ReceptiveField, node: NetworkNode): ReceptiveField {
  if (field.global) return field
  const [kernelHeight, kernelWidth] = kernelSides(node)
  return {
    height: field.height + (kernelHeight - 1) * field.stride,
    width: field.width + (kernelWidth - 1) * field.stride,
    stride: field.stride * node.stride,
    top: field.top - padBefore(kernelHeight, node.stride, node.padding) * field.stride,
    left: field.left - padBefore(kernelWidth, node.stride, node.padding) * field.stride,
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
  const top = Math.min(...fields.map((field) => field.top))
  const left = Math.min(...fields.map((field) => field.left))
  return {
    height: Math.max(...fields.map((field) => field.top + field.height)) - top,
    width: Math.max(...fields.map((field) => field.left + field.width)) - left,
    stride,
    top,
    left,
    global: fields.some((field) => field.global)
  }
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

// Element-wise ops are windows of 1 with stride 1: they change nothing, unless they pad (a ZeroPadding2D layer).
function fieldAfter(node: NetworkNode, input: ReceptiveField): ReceptiveField {
  if (node.op === 'globalPool' || node.op === 'dense') return { ...input, global: true }
  return throughWindow(input, node)
}

/** The receptive field of one layer, or NotFound naming the layers there are. */
export function receptiveFieldOf(nodes: readonly NetworkNode[], layer: string): ReceptiveField {
  const field = receptiveFields(nodes).get(layer)
  if (!field) throw new LikenessError('NotFound', `This network has no layer called ${layer}.`, { layer })
  return field
}

// top = top₀ + y·j, bottom = top + r (exclusive), each clipped to [0, image size]; likewise across
export function patchBox(field: ReceptiveField, y: number, x: number, imageHeight: number, imageWidth: number): PatchRect {
  if (field.global) return { top: 0, left: 0, height: imageHeight, width: imageWidth }
  const [top, bottom] = clippedSpan(field.top + y * field.stride, field.height, imageHeight)
  const [left, right] = clippedSpan(field.left + x * field.stride, field.width, imageWidth)
  return { top, left, height: bottom - top, width: right - left }
}

function clippedSpan(first: number, size: number, limit: number): [number, number] {
  const from = Math.min(Math.max(first, 0), limit)
  const to = Math.min(Math.max(first + size, from), limit)
  return [from, to]
}
