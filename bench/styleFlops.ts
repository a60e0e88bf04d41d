import { activationShapes, type FrozenGraph } from '../src/main/style/networks/frozenGraph'

// FLOPs of a conv = 2·kh·kw·C_in·C_out·H_out·W_out (depthwise: 2·kh·kw·C·m·H_out·W_out), up to the deepest tap.
// The image gradient is the same correlations run backwards (flipped kernels), so it costs as much again.
export function convFlops(graph: FrozenGraph, taps: readonly string[], height: number, width: number): number {
  const shapes = activationShapes(graph, height, width)
  const deepest = Math.max(...taps.map((tap) => graph.ops.findIndex((op) => op.name === tap)))
  let flops = 0
  for (const op of graph.ops.slice(0, deepest + 1)) {
    if (op.kind !== 'conv') continue
    // [kh, kw, C_in, C_out] and depthwise [kh, kw, C, m] multiply out the same way.
    const [kh, kw, inChannels, perInput] = op.conv.filter.shape
    const [h, w] = shapes.get(op.name)!
    flops += 2 * kh * kw * h * w * inChannels * perInput
  }
  return flops
}
