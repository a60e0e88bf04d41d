import { readFileSync } from 'node:fs'
import path from 'node:path'
import vm from 'node:vm'
import { z } from 'zod'
import { LikenessError } from '../../../shared/errors'
import { parseKerasTopology, type KerasLayer } from './kerasTopology'
import { WeightStore, weightSpecSchema, type WeightSpec } from './quantizedWeights'

export interface KerasBundle {
  /** The topology exactly as shipped (for building a tf.LayersModel to compare against). */
  modelTopology: unknown
  layers: KerasLayer[]
  weights: WeightStore
  /** The raw manifest and bytes, as tf.io.decodeWeights takes them. */
  weightSpecs: WeightSpec[]
  weightData: Uint8Array
}

const manifestSchema = z.object({
  modelTopology: z.unknown(),
  weightsManifest: z.array(z.object({ paths: z.array(z.string()), weights: z.array(weightSpecSchema) }))
})

/** A UMD bundle sets module.exports; run it in an empty context rather than through require's cache. */
function evaluateUmd(file: string): unknown {
  const sandbox = { module: { exports: {} as unknown }, exports: {} }
  vm.runInNewContext(readFileSync(file, 'utf8'), sandbox, { filename: file })
  return sandbox.module.exports
}

/** A weight shard is one base64 string literal; slicing it out avoids compiling 5 MB of JavaScript. */
function shardBytes(file: string): Buffer {
  const source = readFileSync(file, 'latin1')
  const start = source.lastIndexOf('exports="')
  const end = start < 0 ? -1 : source.indexOf('"', start + 9)
  if (end < 0) throw new LikenessError('ModelUnavailable', `The weight shard ${path.basename(file)} is damaged.`)
  return Buffer.from(source.slice(start + 9, end), 'base64')
}

/**
 * Topology and weights of a network nsfwjs ships as UMD .min.js files in `dir`: base64 decoded
 * directly (about 0.5 s for InceptionV3, against 33 s through nsfwjs's own loader).
 */
export function readNsfwjsBundle(dir: string): KerasBundle {
  const parsed = manifestSchema.safeParse(evaluateUmd(path.join(dir, 'model.min.js')))
  if (!parsed.success) throw new LikenessError('ModelUnavailable', `The network manifest in ${dir} has an unexpected shape.`)
  const { modelTopology, weightsManifest } = parsed.data
  const data = Buffer.concat(weightsManifest.flatMap((group) => group.paths.map((shard) => shardBytes(path.join(dir, `${shard}.min.js`)))))
  const weightSpecs = weightsManifest.flatMap((group) => group.weights)
  const weightData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  return { modelTopology, layers: parseKerasTopology(modelTopology), weights: new WeightStore(weightData, weightSpecs), weightSpecs, weightData }
}
