import * as tf from '@tensorflow/tfjs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { LikenessError } from '../../shared/errors'
import { weightGroupSchema } from './weightsManifest'

// Only what loading needs is checked; the topology itself is tfjs-converter's business.
const modelJsonSchema = z.object({
  format: z.literal('graph-model'),
  modelTopology: z.object({ node: z.array(z.object({ name: z.string(), op: z.string() }).loose()).min(1) }).loose(),
  weightsManifest: z.array(weightGroupSchema).min(1),
  signature: z.unknown().optional(),
  generatedBy: z.string().optional(),
  convertedBy: z.string().optional()
})

/**
 * A TensorFlow.js graph model (`<name>.json` and its weight shards) read from a folder on disk
 * through an IOHandler of our own: tf.loadGraphModel given a URL would fetch, and nothing here
 * may touch a network.
 */
export async function loadGraphModelFromDir(dir: string, name: string): Promise<tf.GraphModel> {
  const file = path.join(dir, `${name}.json`)
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(file, 'utf8'))
  } catch (error) {
    throw new LikenessError('ModelUnavailable', `The network ${name} is not installed.`, { path: file, cause: String(error) })
  }
  const parsed = modelJsonSchema.safeParse(raw)
  if (!parsed.success) throw new LikenessError('ModelUnavailable', `The network ${name} has a malformed model file.`, { path: file, issues: parsed.error.issues.length })
  const model = parsed.data
  const shards: Buffer[] = []
  for (const group of model.weightsManifest) {
    for (const shard of group.paths) {
      try {
        shards.push(await readFile(path.join(dir, shard)))
      } catch (error) {
        throw new LikenessError('ModelUnavailable', `The network ${name} lacks its weight file ${shard}.`, { path: path.join(dir, shard), cause: String(error) })
      }
    }
  }
  const bytes = Buffer.concat(shards)
  const handler: tf.io.IOHandler = {
    load: async () => ({
      modelTopology: model.modelTopology,
      format: model.format,
      generatedBy: model.generatedBy,
      convertedBy: model.convertedBy,
      signature: model.signature as object | undefined,
      weightSpecs: model.weightsManifest.flatMap((group) => group.weights) as tf.io.WeightsManifestEntry[],
      weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
    })
  }
  return tf.loadGraphModel(handler)
}
