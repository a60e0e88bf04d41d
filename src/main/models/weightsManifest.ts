import * as tf from '@tensorflow/tfjs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import { LikenessError } from '../../shared/errors'

const quantizationSchema = z.object({
  dtype: z.enum(['uint8', 'uint16', 'float16']),
  scale: z.number().optional(),
  min: z.number().optional()
})

/** One group of a TensorFlow.js weights manifest: its shard files and the tensors they hold. */
export const weightGroupSchema = z.object({
  paths: z.array(z.string().regex(/^[\w.-]+$/)).min(1),
  weights: z.array(
    z.object({
      name: z.string(),
      shape: z.array(z.number().int().nonnegative()),
      dtype: z.enum(['float32', 'int32', 'bool', 'string', 'complex64']),
      quantization: quantizationSchema.optional()
    })
  )
})

const manifestSchema = z.array(weightGroupSchema)

/**
 * A tfjs `*-weights_manifest.json` and the shards beside it (face-api's format), read from disk and
 * decoded; the manifest's shape is checked before it is trusted, like any file.
 */
export async function readWeightsManifest(manifestPath: string): Promise<tf.NamedTensorMap> {
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(manifestPath, 'utf8'))
  } catch (error) {
    throw new LikenessError('ModelUnavailable', `The model file ${path.basename(manifestPath)} is missing or unreadable.`, { path: manifestPath, cause: String(error) })
  }
  const parsed = manifestSchema.safeParse(raw)
  if (!parsed.success) {
    throw new LikenessError('ModelUnavailable', `The model manifest ${path.basename(manifestPath)} is malformed.`, { path: manifestPath, issues: parsed.error.issues.length })
  }
  const dir = path.dirname(manifestPath)
  const weightMap: tf.NamedTensorMap = {}
  for (const group of parsed.data) {
    const shards = await Promise.all(group.paths.map((shard) => readFile(path.join(dir, shard))))
    const bytes = Buffer.concat(shards)
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
    Object.assign(weightMap, tf.io.decodeWeights(buffer, group.weights as tf.io.WeightsManifestEntry[]))
  }
  return weightMap
}
