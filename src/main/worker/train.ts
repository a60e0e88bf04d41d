import { decodeImage } from '../image/decode'
import type { OpHandlers } from './ops'
import { faceSample } from '../train/dataset'
import { runTraining } from '../train/run'
import { models } from './models'

export const trainOps: Pick<OpHandlers, 'train.sample' | 'train.run'> = {
  'train.sample': async ({ image: bytes, detector }) => {
    const { image } = await decodeImage(bytes)
    return faceSample(await models.faceModels(), image, detector)
  },
  'train.run': async ({ train, validation, settings }, context) =>
    runTraining(train, validation, settings, () => models.fresh('encoder'), (step, total) => {
      context.report({ done: step.step, total, message: `step ${step.step} of ${total}`, values: { loss: step.loss, activeShare: step.activeShare } })
      // Between steps: a cancel ends the run here and nothing is stored.
      context.throwIfCancelled()
    })
}
