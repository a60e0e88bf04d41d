import { readFile } from 'node:fs/promises'
import * as tf from '@tensorflow/tfjs'
import { LikenessError } from '../../shared/errors'
import { disposeEncoderParams, encoderStages, encoderVariables, type EncoderParams } from '../face/encoder'
import type { FaceModels } from '../face/faceModels'
import type { ModelCache } from '../models/cache'
import type { EmbeddingVersion } from '../face/types'
import { disposeProjectionHead, projectEmbeddings, type ProjectionHead } from '../train/projectionHead'
import { descriptorDimension } from '../../shared/api/face'


async function readFloats(file: string): Promise<Float32Array> {
  const bytes = await readFile(file)
  if (bytes.byteLength % 4 !== 0) throw new LikenessError('StoreCorrupt', 'A stored model file is not whole float32 values.', { file })
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
}

/** A private encoder with the stored stages' values in place of the stock ones. */
async function fineTunedEncoder(models: ModelCache, { file, stage }: NonNullable<EmbeddingVersion['finetune']>): Promise<EncoderParams> {
  const values = await readFloats(file)
  const params = await models.fresh('encoder')
  const first = encoderStages.indexOf(stage)
  const trained = encoderVariables(params).filter((v) => encoderStages.indexOf(v.stage) >= first)
  const expected = trained.reduce((n, { variable }) => n + variable.size, 0)
  if (values.length !== expected) {
    disposeEncoderParams(params)
    throw new LikenessError('StoreCorrupt', 'The stored fine-tuned encoder does not fit the encoder.', { file, values: values.length, expected })
  }
  let offset = 0
  for (const { variable } of trained) {
    variable.assign(tf.tensor(values.subarray(offset, offset + variable.size), variable.shape))
    offset += variable.size
  }
  return params
}

async function projectionHead({ file }: NonNullable<EmbeddingVersion['head']>): Promise<ProjectionHead> {
  const values = await readFloats(file)
  if (values.length !== descriptorDimension * descriptorDimension + descriptorDimension) throw new LikenessError('StoreCorrupt', 'The stored projection head has the wrong size.', { file })
  return {
    weights: tf.variable(tf.tensor2d(values.subarray(0, descriptorDimension * descriptorDimension), [descriptorDimension, descriptorDimension]), false),
    bias: tf.variable(tf.tensor1d(values.subarray(descriptorDimension * descriptorDimension)), false)
  }
}

interface LoadedEmbedding {
  id: string
  encoder?: EncoderParams
  head?: ProjectionHead
}

/**
 * The worker's embeddings: the stock face models come from its model cache; the gallery's current
 * fine-tuned encoder and head load on first use and stay until another version is asked for (one
 * at a time: a fine-tuned copy of the encoder is ~22 MB).
 */
export class Embeddings {
  private current: Promise<LoadedEmbedding> | undefined

  constructor(private readonly models: ModelCache) {}

  /** The face models that compute `version`'s descriptors, and the head to apply to them. */
  async forVersion(version: EmbeddingVersion | undefined): Promise<{ models: FaceModels; head?: ProjectionHead }> {
    const stock = await this.models.faceModels()
    if (!version || (!version.finetune && !version.head)) return { models: stock }
    const loaded = await this.load(version)
    return { models: loaded.encoder ? stock.withEncoder(loaded.encoder) : stock, head: loaded.head }
  }

  private async load(version: EmbeddingVersion): Promise<LoadedEmbedding> {
    const previous = this.current && (await this.current.catch(() => undefined))
    if (previous?.id === version.id) return previous
    // A worker runs one task at a time, so nothing still computes with the version it replaces.
    if (previous?.encoder) disposeEncoderParams(previous.encoder)
    if (previous?.head) disposeProjectionHead(previous.head)
    this.current = (async () => ({
      id: version.id,
      encoder: version.finetune && (await fineTunedEncoder(this.models, version.finetune)),
      head: version.head && (await projectionHead(version.head))
    }))()
    return this.current
  }
}

/** g(f) for each descriptor: the kept projection head, applied before anything is compared. */
export function projectDescriptors(head: ProjectionHead, descriptors: readonly Float32Array[]): Float32Array[] {
  if (descriptors.length === 0) return []
  const projected = tf.tidy(() => projectEmbeddings(head, tf.tensor2d(descriptors.flatMap((d) => [...d]), [descriptors.length, descriptorDimension])))
  const values = projected.dataSync() as Float32Array
  projected.dispose()
  return descriptors.map((_, i) => values.slice(i * descriptorDimension, (i + 1) * descriptorDimension))
}
