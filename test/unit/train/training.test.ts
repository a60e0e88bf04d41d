import * as tf from '@tensorflow/tfjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { createEncoderParams, disposeEncoderParams, encodeFaces, encoderVariables, type EncoderParams } from '../../../src/main/face/encoder'
import type { FaceModels } from '../../../src/main/face/faceModels'
import type { ModelCache } from '../../../src/main/models/cache'
import { encoderWeights, modelCache } from '../../support/models'
import { chipLength } from '../../../src/main/face/align'
import { chipBatch, fineTuneEncoder } from '../../../src/main/train/finetune'
import { defaultPairHeadTraining, trainPairHead } from '../../../src/main/train/pairHead'
import { createProjectionHead, disposeProjectionHead, projectEmbeddings } from '../../../src/main/train/projectionHead'
import { seededRandom } from '../../../src/main/engine/random'
import { trainWithTriplets } from '../../../src/main/train/tripletTraining'
import { augmentedFaces } from './fixtures'

describe('training on real faces', () => {
  let cache: ModelCache
  let models: FaceModels
  let labels: string[]
  let chips: tf.Tensor4D
  let descriptors: tf.Tensor2D

  beforeAll(async () => {
    await initBackend('wasm')
    cache = modelCache()
    models = await cache.faceModels()
    ;({ chips, labels } = await augmentedFaces(models, 4, 3))
    descriptors = encodeFaces(models.encoder, chips)
  })

  afterAll(() => {
    tf.dispose([chips, descriptors])
    return cache.dispose()
  })

  it('the projection head lowers the triplet loss on embeddings of real photos', async () => {
    const head = createProjectionHead()
    const training = {
      labels,
      steps: 3,
      // the whole set in every batch, so every step sees the same triplets
      batch: { people: 4, imagesPerPerson: 3, extraNegatives: 0 },
      mining: 'hard' as const,
      alpha: 0.2,
      learningRate: 1e-2,
      random: seededRandom(3),
      onStep: () => undefined
    }
    const history = await trainWithTriplets({ ...training, variables: [head.weights, head.bias], embed: (indices) => projectEmbeddings(head, tf.gather(descriptors, indices as number[])) })
    disposeProjectionHead(head)
    expect(history).toHaveLength(3)
    expect(history[0]!.activeShare).toBeGreaterThan(0)
    expect(history[2]!.loss).toBeLessThan(history[0]!.loss)
  })

  it('the logistic pair head lowers its cross-entropy', async () => {
    const rows = Array.from({ length: labels.length }, (_, i) => descriptors.slice([i, 0], [1, 128]).dataSync() as Float32Array)
    for (const feature of ['abs', 'chi2'] as const) {
      const { losses, head } = trainPairHead(rows, labels, { ...defaultPairHeadTraining, feature, iterations: 30 }, seededRandom(1))
      expect(losses.at(-1)!).toBeLessThan(losses[0]!)
      expect(head.weights.every(Number.isFinite)).toBe(true)
    }
  })

  describe('fine-tuning on wasm', () => {
    let params: EncoderParams
    beforeAll(async () => {
      params = createEncoderParams(await encoderWeights())
    })
    afterAll(() => disposeEncoderParams(params))

    it('one step on conv256 lowers the triplet loss on a tiny batch; only the trainable stages move', async () => {
      // Two people × two images: the smallest batch with a positive and a negative.
      const pick = [0, 1, 3, 4]
      const tiny = tf.tidy(() => tf.gather(chips, pick).mul(255).round())
      const bytes = Uint8Array.from(await tiny.data())
      tiny.dispose()
      expect(bytes.length).toBe(pick.length * chipLength)
      const tinyLabels = pick.map((i) => labels[i]!)
      const frozenBefore = params.conv128_2.conv2.filters.dataSync().slice()
      const trainableBefore = params.conv256_2.conv2.filters.dataSync().slice()
      const fcBefore = params.fc.dataSync().slice()
      const training = {
        labels: tinyLabels,
        steps: 1,
        batch: { people: 2, imagesPerPerson: 2, extraNegatives: 0 },
        mining: 'hard' as const,
        // Mirrored and turned copies of one face sit far closer than two people; a wide margin keeps the triplets active.
        alpha: 1.5,
        // Adam's first step moves every weight by about the learning rate, whatever its gradient.
        learningRate: 1e-4,
        random: seededRandom(2),
        onStep: () => undefined
      }
      const [step] = await fineTuneEncoder(params, bytes, 'conv256', training)
      // the same triplets, measured again after the step (no gradient, batch of all four)
      const after = await fineTuneEncoder(params, bytes, 'conv256', { ...training, learningRate: 1e-12 })
      expect(step!.loss).toBeGreaterThan(0)
      expect(after[0]!.loss).toBeLessThan(step!.loss)
      expect(params.conv128_2.conv2.filters.dataSync()).toEqual(frozenBefore)
      expect(params.conv256_2.conv2.filters.dataSync()).not.toEqual(trainableBefore)
      expect(params.fc.dataSync()).not.toEqual(fcBefore)
      expect(encoderVariables(params).every(({ variable }) => !variable.trainable)).toBe(true)
      const check = chipBatch(bytes, [0])
      expect(check.shape).toEqual([1, 150, 150, 3])
      check.dispose()
    })
  })
})
