import * as tf from '@tensorflow/tfjs'
import * as faceapi from '@vladmandic/face-api/dist/face-api.node-wasm.js'
import { LikenessError } from '../../shared/errors'

/**
 * face-api's node-wasm build require()s '@tensorflow/tfjs'; the package has no "exports" map, so
 * Node hands our ESM import the same CommonJS copy. Two copies would mean two backend registries
 * and tensors one side cannot read, so this is checked rather than assumed.
 */
export function assertOneTfjs(): void {
  if ((faceapi.tf.Tensor as unknown) !== tf.Tensor) {
    throw new LikenessError('Internal', 'face-api loaded its own copy of TensorFlow.js.', { ours: tf.version.tfjs })
  }
}

/** face-api declares its own copy of the tfjs types; at run time the tensor is the same object (see assertOneTfjs). */
export function asLibraryTensor(tensor: tf.Tensor3D): faceapi.tf.Tensor3D {
  return tensor as unknown as faceapi.tf.Tensor3D
}

export function asLibraryWeightMap(weightMap: tf.NamedTensorMap): faceapi.tf.NamedTensorMap {
  return weightMap as unknown as faceapi.tf.NamedTensorMap
}

export { faceapi }
