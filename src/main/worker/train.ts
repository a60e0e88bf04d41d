import { FaceModels } from '../face/faceModels'
import { decodeImage } from '../image/decode'
import type { OpHandlers } from '../engine/ops'
import { faceSample } from '../train/dataset'
import { runTraining } from '../train/run'

// Loaded once per worker on first use, like the face worker's; a training worker is a batch worker.
let models: Promise<FaceModels> | undefined
function faceModels(): Promise<FaceModels> {
  models ??= FaceModels.load()
  return models
}

export const trainOps: Pick<OpHandlers, 'train.sample' | 'train.run'> = {
  'train.sample': async ({ image: bytes, detector }) => {
    const { image } = await decodeImage(bytes)
    return faceSample(await faceModels(), image, detector)
  },
  'train.run': async ({ train, validation, settings }, context) =>
    runTraining(train, validation, settings, (step, total) => {
      context.report({ done: step.step, total, message: `step ${step.step} of ${total}`, values: { loss: step.loss, activeShare: step.activeShare } })
      // Between steps: a cancel ends the run here and nothing is stored.
      context.throwIfCancelled()
    })
}
