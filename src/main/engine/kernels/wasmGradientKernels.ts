import * as tf from '@tensorflow/tfjs'
import { convInfo, type ConvPadding } from './convGeometry'
import { conv2dFilterGradient, depthwiseFilterGradient } from './filterGradient'
import { depthwiseInputGradient, flipDepthwiseFilter } from './inputGradient'

interface ConvAttrs {
  strides: number | [number, number]
  pad: ConvPadding
  dilations?: number | [number, number]
  dimRoundingMode?: 'floor' | 'round' | 'ceil'
}
type FilterGradientAttrs = ConvAttrs & { filterShape: [number, number, number, number] }
type InputGradientAttrs = ConvAttrs & { inputShape: [number, number, number, number] }

/**
 * A kernel input as a Tensor on the same data. makeTensorFromTensorInfo only tracks the tensor,
 * it adds no reference in the backend, so disposing such a view would free the caller's data
 * (tf's fused-conv gradient then crashed reading x); the extra reference makes the view's dispose
 * release only itself.
 */
function view(info: tf.TensorInfo | undefined, kernelBackend: unknown): tf.Tensor4D {
  if (!info) throw new Error('kernel input missing')
  // KernelFunc types its backend as {}; these kernels are registered for wasm, a KernelBackend.
  const backend = kernelBackend as tf.KernelBackend
  const tensor = tf.engine().makeTensorFromTensorInfo(info, backend) as tf.Tensor4D
  backend.incRef(info.dataId)
  return tensor
}

/**
 * Kernels run with the tape off, so expressing them through forward ops is safe; the result
 * is a Tensor, which the engine accepts as a kernel output.
 */
const kernels: tf.KernelConfig[] = [
  {
    kernelName: tf.Conv2DBackpropFilter,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const a = attrs as unknown as FilterGradientAttrs
      return tf.tidy(() => {
        const x = view(inputs.x, backend)
        const dy = view(inputs.dy, backend)
        return conv2dFilterGradient(x, dy, convInfo(x.shape, a.filterShape, a.strides, a.pad, false, 1, a.dimRoundingMode))
      })
    }
  },
  {
    kernelName: tf.DepthwiseConv2dNativeBackpropFilter,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const a = attrs as unknown as FilterGradientAttrs
      return tf.tidy(() => {
        const x = view(inputs.x, backend)
        const dy = view(inputs.dy, backend)
        const info = convInfo(x.shape, a.filterShape, a.strides, a.pad, true, a.dilations, a.dimRoundingMode)
        return depthwiseFilterGradient(x, dy, info)
      })
    }
  },
  {
    kernelName: tf.DepthwiseConv2dNativeBackpropInput,
    backendName: 'wasm',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const a = attrs as unknown as InputGradientAttrs
      return tf.tidy(() => {
        const dy = view(inputs.dy, backend)
        const filter = view(inputs.filter, backend)
        const info = convInfo(a.inputShape, filter.shape, a.strides, a.pad, true, a.dilations, a.dimRoundingMode)
        return depthwiseInputGradient(dy, flipDepthwiseFilter(filter), info)
      })
    }
  }
]

/**
 * wasm (tfjs 4.22) has no Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropInput or
 * DepthwiseConv2dNativeBackpropFilter, so any filter gradient — and any gradient through a
 * depthwise conv — throws there. Registers them, expressed through forward ops; idempotent, and
 * leaves alone any the backend gains later.
 */
export function registerWasmGradientKernels(): void {
  for (const config of kernels) {
    if (!tf.getKernel(config.kernelName, config.backendName)) tf.registerKernel(config)
  }
}
