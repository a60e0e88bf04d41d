import { z } from 'zod'
import { LikenessError } from '../../../shared/errors'

/** One layer of a Keras functional-model config, reduced to what building the graph needs. */
export interface KerasLayer {
  name: string
  className: string
  config: Record<string, unknown>
  /** Names of the layers feeding this one (first call site only: these models call each layer once). */
  inputs: string[]
}

const inboundNode = z.tuple([z.string(), z.number(), z.number()]).rest(z.unknown())
const layerSchema = z.object({
  name: z.string(),
  class_name: z.string(),
  config: z.record(z.string(), z.unknown()),
  inbound_nodes: z.array(z.array(inboundNode))
})
const topologySchema = z.object({
  model_config: z.object({ config: z.object({ layers: z.array(layerSchema) }) })
})

export function parseKerasTopology(modelTopology: unknown): KerasLayer[] {
  const parsed = topologySchema.safeParse(modelTopology)
  if (!parsed.success) {
    throw new LikenessError('ModelUnavailable', 'The bundled network has an unexpected Keras topology.', { issues: parsed.error.message })
  }
  return parsed.data.model_config.config.layers.map((layer) => ({
    name: layer.name,
    className: layer.class_name,
    config: layer.config,
    inputs: (layer.inbound_nodes[0] ?? []).map((node) => node[0])
  }))
}

/** A layer's config checked against the fields a builder relies on. */
export function layerConfig<T extends z.ZodType>(layer: KerasLayer, schema: T): z.infer<T> {
  const parsed = schema.safeParse(layer.config)
  if (!parsed.success) {
    throw new LikenessError('ModelUnavailable', `Layer ${layer.name} (${layer.className}) has an unexpected config.`, {
      issues: parsed.error.message
    })
  }
  return parsed.data
}

/** The layers a cut at `last` keeps: `last` and everything it depends on, in the file's (topological) order. */
export function ancestorsOf(layers: KerasLayer[], last: string): KerasLayer[] {
  const byName = new Map(layers.map((layer) => [layer.name, layer]))
  if (!byName.has(last)) throw new LikenessError('ModelUnavailable', `The network has no layer ${last}.`)
  const kept = new Set<string>()
  const pending = [last]
  while (pending.length > 0) {
    const name = pending.pop()!
    if (kept.has(name)) continue
    kept.add(name)
    pending.push(...(byName.get(name)?.inputs ?? []))
  }
  return layers.filter((layer) => kept.has(layer.name))
}
