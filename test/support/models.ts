import type * as tf from '@tensorflow/tfjs'
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ModelCache } from '../../src/main/models/cache'
import { loadModel, modelFiles, type ModelId, type ModelOf } from '../../src/main/models/registry'
import { readWeightsManifest } from '../../src/main/models/weightsManifest'

/** A model cache as a worker has one, over a throw-away data folder (so no downloaded VGG19). */
export function modelCache(): ModelCache {
  return new ModelCache({ dataDir: mkdtempSync(path.join(os.tmpdir(), 'likeness-models-')) })
}

/** The folder of face-api's weight files, for running face-api's own pipeline beside ours. */
export function faceApiModelDir(): string {
  return path.dirname(modelFiles('ssd', { dataDir: os.tmpdir() })[0]!)
}

/** The face encoder's weight map as face-api ships it: for building a second, private encoder or face-api's own net. */
export function encoderWeights(): Promise<tf.NamedTensorMap> {
  return readWeightsManifest(modelFiles('encoder', { dataDir: os.tmpdir() })[0]!)
}

/** A shipped network loaded afresh, outside any cache: the test that loads it disposes it. */
export function loadShipped<K extends ModelId>(id: K): Promise<ModelOf<K>> {
  return loadModel(id, { dataDir: os.tmpdir() })
}
