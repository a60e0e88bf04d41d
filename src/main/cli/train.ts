import path from 'node:path'
import { LikenessError } from '../../shared/errors'
import { fineTuneStages, miningStrategies, trainModes, trainSettings, type FineTuneStage, type MiningStrategy, type TrainMode } from '../../shared/api/train'
import { flag, numberFlag } from './args'
import type { CliCommand } from './command'
import { followJob } from './jobs'

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], name: string): T | undefined {
  if (value === undefined) return undefined
  if (!(allowed as readonly string[]).includes(value)) throw new LikenessError('BadRequest', `--${name} must be one of ${allowed.join(', ')}.`)
  return value as T
}

const fixed = (n: number): string => n.toFixed(4)

export const trainCommand: CliCommand = {
  usage: 'train <labelled-folder> [--validation <folder>] [--mode head|finetune] [--mining hard|semihard|random] [--epochs N] [--stage conv256|fc] [--learning-rate R] [--json]',
  summary: 'train on one sub-folder per person; before/after AUC and EER on the validation people',
  async run(service, args) {
    const folder = args.positional[0]
    if (!folder) throw new LikenessError('BadRequest', `usage: npm run cli -- ${this.usage}`)
    const validation = flag(args, 'validation')
    const job = await service.call('train.start', {
      source: { kind: 'folder', folder: path.resolve(folder), validationFolder: validation && path.resolve(validation) },
      settings: trainSettings.parse({
        mode: oneOf<TrainMode>(flag(args, 'mode'), trainModes, 'mode'),
        mining: oneOf<MiningStrategy>(flag(args, 'mining'), miningStrategies, 'mining'),
        epochs: numberFlag(args, 'epochs', 20),
        stage: oneOf<FineTuneStage>(flag(args, 'stage'), fineTuneStages, 'stage'),
        learningRate: flag(args, 'learning-rate') === undefined ? undefined : numberFlag(args, 'learning-rate', 0)
      })
    })
    const result = await followJob(service, job)
    const value = {
      before: { auc: result.before.auc, eer: result.before.eer },
      after: { auc: result.after.auc, eer: result.after.eer },
      pairHead: result.pairHead && { auc: result.pairHead.auc, eer: result.pairHead.eer },
      steps: result.steps,
      loss: { first: result.history.loss[0], last: result.history.loss.at(-1) },
      activeShare: { first: result.history.activeShare[0], last: result.history.activeShare.at(-1) },
      train: result.train,
      validation: result.validation,
      modelId: result.modelId
    }
    const lines = [
      `${result.mode}: ${result.steps} steps, loss ${fixed(value.loss.first ?? 0)} → ${fixed(value.loss.last ?? 0)}`,
      `validation (${result.validation.people} people, ${result.validation.images} faces): AUC ${fixed(result.before.auc)} → ${fixed(result.after.auc)}, EER ${fixed(result.before.eer)} → ${fixed(result.after.eer)}`,
      ...(result.pairHead ? [`pair head: AUC ${fixed(result.pairHead.auc)}, EER ${fixed(result.pairHead.eer)}`] : [])
    ]
    return { value, text: lines.join('\n') }
  }
}

export const calibrateCommand: CliCommand = {
  usage: 'calibrate <labelled-folder> --far 1e-3 --gallery-size K [--json]',
  summary: 'τ that keeps the false-accept rate per identification at --far with K people enrolled',
  async run(service, args) {
    const folder = args.positional[0]
    if (!folder) throw new LikenessError('BadRequest', `usage: npm run cli -- ${this.usage}`)
    const job = await service.call('train.calibrate', {
      source: { kind: 'folder', folder: path.resolve(folder) },
      far: numberFlag(args, 'far', 1e-3),
      gallerySize: numberFlag(args, 'gallery-size', 100)
    })
    const result = await followJob(service, job)
    const { chosen } = result
    return {
      value: result,
      text: [
        `τ = ${chosen.tau.toFixed(4)} for FAR ${result.targetFar} per identification with K = ${result.gallerySize}`,
        `per comparison p = ${chosen.perComparisonFar.toExponential(2)}; measured FAR ${chosen.empiricalFar.toFixed(4)}, TAR ${chosen.tar.toFixed(4)}`,
        `${result.genuinePairs} genuine / ${result.impostorPairs} impostor pairs${result.limitedByData ? ' — too few impostors to show p: τ sits below every impostor' : ''}`
      ].join('\n')
    }
  }
}
