import * as tf from '@tensorflow/tfjs'
import type { TrainSettings } from '../../shared/api/train'
import { disposeEncoderParams, encodeFaces, type EncoderParams } from '../face/encoder'
import { chipBatch, fineTuneEncoder, stageValues } from './finetune'
import { defaultPairHeadTraining, trainPairHead, type PairHead } from './pairHead'
import { createProjectionHead, disposeProjectionHead, projectEmbeddings, projectionHeadValues } from './projectionHead'
import { seededRandom } from '../engine/random'
import { trainWithTriplets, type TripletStep } from './tripletTraining'
import { descriptorDimension } from '../../shared/api/face'

/**
 * Adam moves every weight by about the rate on its first steps: the pretrained encoder needs smaller
 * ones than the identity-initialised head. Fine-tuning conv256 on deepface_tests for 3 epochs, then
 * validating on dlib_johns: 1e-4 lowered validation AUC (1 → 0.99998, EER 0 → 0.0025); 3e-5 and
 * 1e-5 lowered the training loss as far (0.064 → 0) and kept AUC 1, EER 0.
 */
const defaultLearningRate = { head: 1e-3, finetune: 3e-5 }
const encodeBatch = 8

/** Faces of one split as plain data: descriptors n×128 and aligned chips n×150×150×3 bytes, row-major. */
export interface FaceRows {
  labels: string[]
  descriptors: Float32Array
  chips: Uint8Array
}

export interface TrainRunResult {
  history: TripletStep[]
  /** The validation faces through the trained embedding, n×128. */
  validationEmbeddings: Float32Array
  /** Mode 'head': W (128×128) and b of the projection head; mode 'finetune': the trained stages' variables. */
  values: Float32Array[]
  pairHead?: PairHead
}

/** An epoch: enough P×K batches to show every training face about once. */
function stepsFor(settings: TrainSettings, trainFaces: number): number {
  return settings.epochs * Math.max(1, Math.ceil(trainFaces / (settings.peoplePerBatch * settings.imagesPerPerson)))
}

function rows(values: Float32Array, count: number): Float32Array[] {
  return Array.from({ length: count }, (_, i) => values.slice(i * descriptorDimension, (i + 1) * descriptorDimension))
}

async function encodeAll(params: EncoderParams, chips: Uint8Array, count: number): Promise<Float32Array> {
  const out = new Float32Array(count * descriptorDimension)
  for (let start = 0; start < count; start += encodeBatch) {
    const indices = Array.from({ length: Math.min(encodeBatch, count - start) }, (_, i) => start + i)
    const batch = chipBatch(chips, indices)
    const embeddings = encodeFaces(params, batch)
    out.set(await embeddings.data(), start * descriptorDimension)
    tf.dispose([batch, embeddings])
  }
  return out
}

/**
 * One training run, start to end: mode 'head' trains the projection head with triplets and the
 * logistic pair head on the training faces; mode 'finetune' trains the encoder's last stage(s) on
 * the training chips. Either way the validation faces go through the result once, at the end.
 */
export async function runTraining(
  train: FaceRows,
  validation: FaceRows,
  settings: TrainSettings,
  /** A private copy of the stock encoder to fine-tune (the caller's model cache loads it); this run disposes it. */
  freshEncoder: () => Promise<EncoderParams>,
  onStep: (step: TripletStep, total: number) => void
): Promise<TrainRunResult> {
  const random = seededRandom(settings.seed)
  const total = stepsFor(settings, train.labels.length)
  const training = {
    labels: train.labels,
    steps: total,
    batch: { people: settings.peoplePerBatch, imagesPerPerson: settings.imagesPerPerson, extraNegatives: settings.peoplePerBatch },
    mining: settings.mining,
    alpha: settings.alpha,
    learningRate: settings.learningRate ?? defaultLearningRate[settings.mode],
    random,
    onStep: (step: TripletStep) => onStep(step, total)
  }
  if (settings.mode === 'head') {
    const head = createProjectionHead(descriptorDimension)
    const descriptors = tf.tensor2d(train.descriptors, [train.labels.length, descriptorDimension])
    try {
      const history = await trainWithTriplets({
        ...training,
        variables: [head.weights, head.bias],
        embed: (indices) => projectEmbeddings(head, tf.gather(descriptors, tf.tensor1d(indices as number[], 'int32')))
      })
      const projected = tf.tidy(() => projectEmbeddings(head, tf.tensor2d(validation.descriptors, [validation.labels.length, descriptorDimension])))
      const validationEmbeddings = (await projected.data()) as Float32Array
      projected.dispose()
      const { weights, bias } = projectionHeadValues(head)
      const pairHead = trainPairHead(rows(train.descriptors, train.labels.length), train.labels, { ...defaultPairHeadTraining, feature: settings.pairFeature }, random).head
      return { history, validationEmbeddings, values: [weights, bias], pairHead }
    } finally {
      descriptors.dispose()
      disposeProjectionHead(head)
    }
  }
  // A private copy: the worker's own encoder serves check-in and must not move under it.
  const params = await freshEncoder()
  try {
    const history = await fineTuneEncoder(params, train.chips, settings.stage, training)
    return { history, validationEmbeddings: await encodeAll(params, validation.chips, validation.labels.length), values: stageValues(params, settings.stage) }
  } finally {
    disposeEncoderParams(params)
  }
}
