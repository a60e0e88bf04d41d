import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../src/main/engine/backend'
import { createEncoderParams, disposeEncoderParams, encodeFaces, encoderVariables, setTrainableFrom, type EncoderParams } from '../../../src/main/face/encoder'
import { asLibraryWeightMap, assertOneTfjs, faceapi } from '../../../src/main/face/faceapi'
import { encoderWeights } from '../../support/models'

function l2(a: Float32Array, b: Float32Array): number {
  return Math.sqrt(a.reduce((sum, value, i) => sum + (value - b[i]) ** 2, 0))
}

describe('face encoder', () => {
  let params: EncoderParams
  let reference: InstanceType<typeof faceapi.FaceRecognitionNet>

  beforeAll(async () => {
    await initBackend('wasm')
    assertOneTfjs()
    params = createEncoderParams(await encoderWeights())
    reference = new faceapi.FaceRecognitionNet()
    reference.loadFromWeightMap(asLibraryWeightMap(await encoderWeights()))
  })

  it("reproduces face-api's descriptor for the same chip within 1e-4 L2", async () => {
    // a smooth random chip: structure at several scales so that every block sees signal
    const chip = tf.tidy(() => tf.image.resizeBilinear(tf.randomUniform([1, 19, 19, 3], 0, 1, 'float32', 7), [150, 150]) as tf.Tensor4D)
    const ours = encodeFaces(params, chip)
    const oursData = (await ours.data()) as Float32Array
    const chip255 = tf.tidy(() => chip.mul(255).squeeze([0]) as tf.Tensor3D)
    const theirs = (await reference.computeFaceDescriptor(chip255 as unknown as Parameters<typeof reference.computeFaceDescriptor>[0])) as Float32Array
    tf.dispose([chip, ours, chip255])
    expect(oursData).toHaveLength(128)
    expect(l2(oursData, theirs)).toBeLessThan(1e-4)
  })

  it('marks only the chosen stages trainable', () => {
    const trainable = setTrainableFrom(params, 'conv256')
    expect(trainable.length).toBeGreaterThan(0)
    const expected = encoderVariables(params).filter(({ stage }) => stage === 'conv256' || stage === 'fc')
    expect(trainable).toEqual(expected.map(({ variable }) => variable))
    expect(params.conv32_1.conv1.filters.trainable).toBe(false)
    expect(params.fc.trainable).toBe(true)
    setTrainableFrom(params, 'none')
    expect(params.fc.trainable).toBe(false)
  })

  it('follows new values of a frozen layer: its filters, folded once, are folded again after an assign', async () => {
    const chip = tf.randomUniform([1, 150, 150, 3], 0, 1, 'float32', 3) as tf.Tensor4D
    const encode = async (): Promise<Float32Array> => {
      const d = encodeFaces(params, chip)
      const values = (await d.data()) as Float32Array
      d.dispose()
      return values
    }
    const first = await encode()
    expect(await encode()).toEqual(first)
    const scale = params.conv64_1.conv1.scale
    const original = scale.clone()
    scale.assign(original.mul(1.5))
    const changed = await encode()
    expect(l2(changed, first)).toBeGreaterThan(1e-3)
    scale.assign(original)
    expect(l2(await encode(), first)).toBeLessThan(1e-6)
    tf.dispose([chip, original])
  })

  it('frees its variables and folded filters on dispose', async () => {
    const before = tf.memory().numTensors
    const extra = createEncoderParams(await encoderWeights())
    const chip = tf.zeros([1, 150, 150, 3]) as tf.Tensor4D
    encodeFaces(extra, chip).dispose()
    chip.dispose()
    disposeEncoderParams(extra)
    expect(tf.memory().numTensors).toBe(before)
  })
})
