import * as tf from '@tensorflow/tfjs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { z } from 'zod'
import { LikenessError } from '../../shared/errors'

/** The weight files face-api ships in its npm package: read from node_modules, never fetched. */
export type FaceModelName =
  | 'ssd_mobilenetv1_model'
  | 'tiny_face_detector_model'
  | 'face_landmark_68_model'
  | 'face_recognition_model'

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

const requireHere = createRequire(import.meta.url)

export function faceModelDir(): string {
  return path.join(path.dirname(requireHere.resolve('@vladmandic/face-api/package.json')), 'model')
}

/** Reads `<name>-weights_manifest.json` and its shards, checking the manifest's shape before trusting it. */
export async function loadWeightMap(name: FaceModelName, dir = faceModelDir()): Promise<tf.NamedTensorMap> {
  const manifestPath = path.join(dir, `${name}-weights_manifest.json`)
  let raw: unknown
  try {
    raw = JSON.parse(await readFile(manifestPath, 'utf8'))
  } catch (error) {
    throw new LikenessError('NotFound', `The face model ${name} is missing or unreadable.`, { path: manifestPath, cause: String(error) })
  }
  const parsed = manifestSchema.safeParse(raw)
  if (!parsed.success) {
    throw new LikenessError('NotFound', `The face model manifest ${name} is malformed.`, { path: manifestPath, issues: parsed.error.issues.length })
  }
  const weightMap: tf.NamedTensorMap = {}
  for (const group of parsed.data) {
    const shards = await Promise.all(group.paths.map((shard) => readFile(path.join(dir, shard))))
    const bytes = Buffer.concat(shards)
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
    Object.assign(weightMap, tf.io.decodeWeights(buffer, group.weights as tf.io.WeightsManifestEntry[]))
  }
  return weightMap
}
