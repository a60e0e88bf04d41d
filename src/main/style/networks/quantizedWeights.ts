import * as tf from '@tensorflow/tfjs'
import { z } from 'zod'
import { LikenessError } from '../../../shared/errors'

export const weightSpecSchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.literal('float32'),
  quantization: z.object({ min: z.number(), scale: z.number(), dtype: z.enum(['uint8', 'uint16']) }).optional()
})
export type WeightSpec = z.infer<typeof weightSpecSchema>

interface Located {
  spec: WeightSpec
  offset: number
}

function byteSize(spec: WeightSpec): number {
  const count = spec.shape.reduce((a, b) => a * b, 1)
  const bytesPerValue = spec.quantization ? (spec.quantization.dtype === 'uint8' ? 1 : 2) : 4
  return count * bytesPerValue
}

/**
 * The weights of a tfjs manifest, read one at a time: only the layers a cut network keeps are
 * decoded (InceptionV3's classifier head alone is 33 M parameters).
 */
export class WeightStore {
  private readonly located = new Map<string, Located>()

  constructor(
    private readonly data: Uint8Array,
    specs: readonly WeightSpec[]
  ) {
    let offset = 0
    for (const spec of specs) {
      this.located.set(spec.name, { spec, offset })
      offset += byteSize(spec)
    }
    if (offset !== data.byteLength) {
      throw new LikenessError('ModelUnavailable', 'The network weights are truncated or damaged.', { expected: offset, actual: data.byteLength })
    }
  }

  has(name: string): boolean {
    return this.located.has(name)
  }

  // value = q · scale + min for quantised weights, as tfjs's own decodeWeights does.
  read(name: string): tf.Tensor {
    const found = this.located.get(name)
    if (!found) throw new LikenessError('ModelUnavailable', `The network weights lack ${name}.`)
    const { spec, offset } = found
    const bytes = this.data.subarray(offset, offset + byteSize(spec))
    const q = spec.quantization
    if (!q) return tf.tensor(new Float32Array(bytes.slice().buffer), spec.shape, 'float32')
    const codes = q.dtype === 'uint8' ? bytes : new Uint16Array(bytes.slice().buffer)
    return tf.tensor(Float32Array.from(codes, (code) => code * q.scale + q.min), spec.shape, 'float32')
  }
}
