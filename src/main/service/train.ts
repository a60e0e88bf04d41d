import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { LikenessError } from '../../shared/errors'
import type { CalibrationResult, DatasetSource, ReencodeResult, TrainedModel, TrainResult, TrainSettings } from '../../shared/api/train'
import type { JobContext } from './jobs'
import { allPairs } from '../face/calibrate'
import { squaredDistance } from '../face/distance'
import { stockEncoder, type EmbeddingRecord, type TrainedModelRecord } from '../store/schema'
import { gallerySizes, tauCurve } from '../train/calibration'
import { distanceMetrics, verificationMetrics } from '../train/metrics'
import { pairHeadTrials } from '../train/pairHead'
import { seededRandom } from '../engine/random'
import { splitByPerson, summarise } from '../train/split'
import type { Handlers } from './handlers'
import type { ServiceContext } from './context'
import { descriptorRows, selectRows, TrainingData } from './trainData'
import type { Detector } from '../../shared/api/face'

type TrainMethods = 'train.start' | 'train.calibrate' | 'train.models' | 'train.keep' | 'train.revert' | 'train.reencode'

const modelsFolder = 'models'
const embeddingsFolder = 'embeddings'

function toModel(record: TrainedModelRecord): TrainedModel {
  const { id, mode, createdAt, status, validationAucBefore, validationAucAfter } = record
  return { id, mode, createdAt, status, validationAucBefore, validationAucAfter }
}

/** Float32 arrays back to back: the file format of a trained model. */
function packValues(values: readonly Float32Array[]): Uint8Array {
  const packed = new Float32Array(values.reduce((n, v) => n + v.length, 0))
  let offset = 0
  for (const v of values) {
    packed.set(v, offset)
    offset += v.length
  }
  return new Uint8Array(packed.buffer)
}

export function trainHandlers({ pool, jobs, db, files, faces }: ServiceContext): Pick<Handlers, TrainMethods> {
  const data = new TrainingData(pool, db, files)
  const detectorFor = (detector?: Detector): Detector => detector ?? db.data.settings.detector

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
    const id = randomUUID()
    const file = `${modelsFolder}/${id}.f32`
    await files.write(file, packValues(run.values))
    await db.update((draft) => {
      draft.trainedModels.push({
        id,
        mode: settings.mode,
        createdAt: Date.now(),
        status: 'candidate',
        file,
        sizes: run.values.map((v) => v.length),
        pairHead: run.pairHead && { feature: run.pairHead.feature, weights: [...run.pairHead.weights], bias: run.pairHead.bias },
        stage: settings.mode === 'finetune' ? settings.stage : undefined,
        validationAucBefore: before.auc,
        validationAucAfter: after.auc
      })
    })
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
      modelId: id
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

  const models = (): TrainedModel[] => db.data.trainedModels.map(toModel)

  /**
   * The embedding the kept models make, with private copies of their files: reverting or retiring
   * a model later deletes its file, not the gallery's copy.
   */
  async function keptEmbedding(): Promise<EmbeddingRecord> {
    const kept = db.data.trainedModels.filter((m) => m.status === 'kept')
    const finetune = kept.find((m) => m.mode === 'finetune')
    const head = kept.find((m) => m.mode === 'head')
    const id = [stockEncoder, finetune && `finetune:${finetune.id}`, head && `head:${head.id}`].filter(Boolean).join('+')
    const copy = async (model: TrainedModelRecord): Promise<string> => {
      const file = `${embeddingsFolder}/${model.id}.f32`
      await files.write(file, await files.read(model.file))
      return file
    }
    return {
      id,
      // Models stored before the stage was recorded were fine-tuned from fc, the old default.
      finetune: finetune && { file: await copy(finetune), stage: finetune.stage ?? 'fc' },
      head: head && { file: await copy(head) }
    }
  }

  async function reencode({ report, signal }: JobContext): Promise<ReencodeResult> {
    const target = await keptEmbedding()
    if (target.id === db.data.embedding.id) return { embedding: target.id, templates: faces.templateCount, dropped: 0 }
    try {
      const { templates, dropped } = await faces.reencode(target, report, signal)
      return { embedding: target.id, templates, dropped }
    } finally {
      // A cancel or failure leaves the old embedding in use: drop the copies it does not use.
      const inUse = [db.data.embedding.finetune?.file, db.data.embedding.head?.file]
      await files.remove([target.finetune?.file, target.head?.file].filter((f): f is string => f !== undefined && !inUse.includes(f)))
    }
  }

  function record(modelId: string): TrainedModelRecord {
    const found = db.data.trainedModels.find((m) => m.id === modelId)
    if (!found) throw new LikenessError('NotFound', 'There is no such trained model.', { modelId })
    return found
  }

  return {
    'train.start': async ({ source, settings }) =>
      jobs.start('train.start', `Train ${settings.mode} on ${source.kind === 'folder' ? path.basename(source.folder) : 'the gallery'}`, (context) => train(source, settings, context)),
    'train.calibrate': async ({ source, far, gallerySize, detector }) =>
      jobs.start('train.calibrate', `Calibrate τ for K = ${gallerySize}`, (context) => calibrate(source, far, gallerySize, detectorFor(detector), context)),
    'train.models': async () => models(),
    'train.keep': async ({ modelId }) => {
      const kept = record(modelId)
      // One kept model per mode: keeping a new one retires the last.
      const retired = db.data.trainedModels.filter((m) => m.mode === kept.mode && m.status === 'kept' && m.id !== modelId)
      await db.update((draft) => {
        draft.trainedModels = draft.trainedModels
          .filter((m) => !retired.some((r) => r.id === m.id))
          .map((m) => (m.id === modelId ? { ...m, status: 'kept' as const } : m))
      })
      await files.remove(retired.map((m) => m.file))
      return models()
    },
    'train.reencode': async () => jobs.start('train.reencode', 'Re-encode the gallery with the kept models', reencode),
    'train.revert': async ({ modelId }) => {
      const reverted = record(modelId)
      await db.update((draft) => {
        draft.trainedModels = draft.trainedModels.filter((m) => m.id !== modelId)
      })
      await files.remove([reverted.file])
      return models()
    }
  }
}
