import * as tf from '@tensorflow/tfjs'
import { LikenessError } from '../../shared/errors'
import type { FineTuneStage } from '../../shared/api/train'
import { encodeFaces, encoderStages, encoderVariables, setTrainableFrom, type EncoderParams } from '../face/encoder'
import { registerWasmGradientKernels } from '../engine/kernels/wasmGradientKernels'
import { trainWithTriplets, type TripletStep, type TripletTraining } from './tripletTraining'
import { chipSize } from '../../shared/api/face'
import { chipLength } from '../face/align'

/** Chips are kept as bytes (a quarter of the memory); the rows at `indices` as [n, 150, 150, 3] in [0, 1]. */
export function chipBatch(chips: Uint8Array, indices: readonly number[]): tf.Tensor4D {
  const pixels = new Float32Array(indices.length * chipLength)
  indices.forEach((row, n) => {
    const offset = row * chipLength
    for (let k = 0; k < chipLength; k++) pixels[n * chipLength + k] = chips[offset + k]! / 255
  })
  return tf.tensor4d(pixels, [indices.length, chipSize, chipSize, 3])
}


/**
 * Fine-tunes the encoder from `firstStage` to the end on aligned chips, everything before it
 * frozen (trainable = false, so no gradient is even taken there). Leaves the encoder frozen again.
 */
export async function fineTuneEncoder(
  params: EncoderParams,
  chips: Uint8Array,
  firstStage: FineTuneStage,
  training: Omit<TripletTraining, 'embed' | 'variables'>
): Promise<TripletStep[]> {
  if (chips.length !== training.labels.length * chipLength) {
    throw new LikenessError('BadRequest', 'chips and labels differ in number', { chips: chips.length / chipLength, labels: training.labels.length })
  }
  // wasm lacks Conv2DBackpropFilter; ours is expressed through forward convolutions.
  if (tf.getBackend() === 'wasm') registerWasmGradientKernels()
  const variables = setTrainableFrom(params, firstStage)
  try {
    return await trainWithTriplets({
      ...training,
      variables,
      // The batch stays alive for the backward pass; minimize's scope frees it after.
      embed: (indices) => encodeFaces(params, chipBatch(chips, indices))
    })
  } finally {
    setTrainableFrom(params, 'none')
  }
}

/** The values of the variables from `firstStage` on, in encoderVariables order: what a fine-tuned model stores. */
export function stageValues(params: EncoderParams, firstStage: FineTuneStage): Float32Array[] {
  const first = encoderStages.indexOf(firstStage)
  return encoderVariables(params)
    .filter(({ stage }) => encoderStages.indexOf(stage) >= first)
    .map(({ variable }) => variable.dataSync() as Float32Array)
}

