import path from 'node:path'
import { LikenessError } from '../../shared/errors'
import type { CalibrationResult, DatasetSource, ReencodeResult, TrainedModel, TrainResult, TrainSettings } from '../../shared/api/train'
import type { JobContext } from './jobs'
import { allPairs } from '../face/calibrate'
import { squaredDistance } from '../face/distance'
import type { TrainedModelRecord } from '../store/schema'
import { gallerySizes, tauCurve } from '../train/calibration'
import { distanceMetrics, verificationMetrics } from '../train/metrics'
import { pairHeadTrials } from '../train/pairHead'
import { seededRandom } from '../engine/random'
import { splitByPerson, summarise } from '../train/split'
import type { Handlers } from './handlers'
import type { ServiceContext } from './context'
import { descriptorRows, selectRows, TrainingData } from './trainData'
import { reencodeGallery } from './reencode'
import type { Detector } from '../../shared/api/face'

type TrainMethods = 'train.start' | 'train.calibrate' | 'train.models' | 'train.keep' | 'train.revert' | 'train.reencode'

function toModel(record: TrainedModelRecord): TrainedModel {
  const { id, mode, createdAt, status, validationAucBefore, validationAucAfter } = record
  return { id, mode, createdAt, status, validationAucBefore, validationAucAfter }
}

export function trainHandlers({ pool, jobs, store, faces: gallery }: ServiceContext): Pick<Handlers, TrainMethods> {
  const data = new TrainingData(pool, () => store.gallery)
  const detectorFor = (detector?: Detector): Detector => detector ?? store.settings.get().detector

  async function train(source: DatasetSource, settings: TrainSettings, { report, signal }: JobContext): Promise<TrainResult> {
    const detector = detectorFor(settings.detector)
    const faces = await data.load(source, detector, report, signal)
    let split: { train: ReturnType<typeof selectRows>; validation: ReturnType<typeof selectRows> }
    let missed = faces.missed
    if (source.kind === 'folder' && source.validationFolder) {
      const validation = await data.load({ kind: 'folder', folder: source.validationFolder }, detector, report, signal)
      missed = [...missed, ...validation.missed]
      split = { train: faces, validation }
    } else {
      const indices = splitByPerson(faces.labels, settings.validationShare, seededRandom(settings.seed))
      split = { train: selectRows(faces, indices.train), validation: selectRows(faces, indices.validation) }
    }
    const run = await pool.run('train.run', { train: split.train, validation: split.validation, settings }, { lane: 'batch', onProgress: report, signal })
    const validationDescriptors = descriptorRows(split.validation.descriptors)
    const before = distanceMetrics(validationDescriptors, split.validation.labels)
    const after = distanceMetrics(descriptorRows(run.validationEmbeddings), split.validation.labels)
    const pairHead = run.pairHead ? verificationMetrics(pairHeadTrials(run.pairHead, validationDescriptors, split.validation.labels)) : undefined
    const model = await store.trainedModels.add(
      {
        mode: settings.mode,
        pairHead: run.pairHead && { feature: run.pairHead.feature, weights: [...run.pairHead.weights], bias: run.pairHead.bias },
        stage: settings.mode === 'finetune' ? settings.stage : undefined,
        validationAucBefore: before.auc,
        validationAucAfter: after.auc
      },
      run.values
    )
    const last = run.history.at(-1)
    report({ done: run.history.length, total: run.history.length, message: `loss ${last?.loss.toFixed(4) ?? '—'}` })
    return {
      mode: settings.mode,
      train: summarise(split.train.labels),
      validation: summarise(split.validation.labels),
      missed,
      steps: run.history.length,
      history: { loss: run.history.map((s) => s.loss), activeShare: run.history.map((s) => s.activeShare) },
      before,
      after,
      pairHead,
      modelId: model.id
    }
  }

  async function calibrate(source: DatasetSource, far: number, gallerySize: number, detector: Detector, context: JobContext): Promise<CalibrationResult> {
    const faces = await data.load(source, detector, context.report, context.signal)
    const descriptors = descriptorRows(faces.descriptors)
    // The gallery compares raw descriptors by ‖f1 − f2‖², so τ is calibrated on exactly that.
    const { same, different } = allPairs(faces.labels)
    const distance = ([i, j]: [number, number]): number => squaredDistance(descriptors[i]!, descriptors[j]!)
    const genuine = same.map(distance)
    const impostors = different.map(distance)
    if (genuine.length === 0 || impostors.length === 0) throw new LikenessError('BadRequest', 'Calibration needs same-person and different-person pairs.')
    const curve = tauCurve(genuine, impostors, far, gallerySizes(Math.max(1000, gallerySize * 10)))
    const [chosen] = tauCurve(genuine, impostors, far, [gallerySize])
    return {
      targetFar: far,
      gallerySize,
      chosen: chosen!,
      curve,
      genuinePairs: genuine.length,
      impostorPairs: impostors.length,
      limitedByData: impostors.length * chosen!.perComparisonFar < 1
    }
  }

  const models = (): TrainedModel[] => store.trainedModels.list().map(toModel)

  async function reencode({ report, signal }: JobContext): Promise<ReencodeResult> {
    const target = await store.gallery.embeddingFrom(store.trainedModels.kept(), (model) => store.trainedModels.readValues(model))
    if (target.id === store.gallery.embeddingId()) return { embedding: target.id, templates: gallery.templateCount, dropped: 0 }
    try {
      const { templates, dropped } = await reencodeGallery(gallery, store, target, report, signal)
      return { embedding: target.id, templates, dropped }
    } finally {
      // A cancel or failure leaves the old embedding in use: drop the copies it does not use.
      await store.gallery.discardEmbedding(target)
    }
  }

  return {
    'train.start': async ({ source, settings }) =>
      jobs.start('train.start', `Train ${settings.mode} on ${source.kind === 'folder' ? path.basename(source.folder) : 'the gallery'}`, (context) => train(source, settings, context)),
    'train.calibrate': async ({ source, far, gallerySize, detector }) =>
      jobs.start('train.calibrate', `Calibrate τ for K = ${gallerySize}`, (context) => calibrate(source, far, gallerySize, detectorFor(detector), context)),
    'train.models': async () => models(),
    'train.keep': async ({ modelId }) => {
      await store.trainedModels.keep(modelId)
      return models()
    },
    'train.reencode': async () => jobs.start('train.reencode', 'Re-encode the gallery with the kept models', reencode),
    'train.revert': async ({ modelId }) => {
      await store.trainedModels.remove(modelId)
      return models()
    }
  }
}
