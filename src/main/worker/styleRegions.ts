import * as tf from '@tensorflow/tfjs'
import type { StyleLosses } from '../../shared/api/style'
import { LikenessError } from '../../shared/errors'
import type { StyleNetwork } from '../../shared/networks'
import type { FeatureNetwork } from '../engine/network'
import { paintRegion, type PaintedRegion, type RegionPainter, type RegionSettings, type RegionsHooks, type RegionWork } from '../style/region'
import type { StyleLayerTarget } from '../style/targets'
import type { TaskContext } from './ops'
import { onThisThread } from './threadCpu'

/** A tensor as it crosses between worker threads. */
export interface PackedImage {
  shape: [number, number, number, number]
  data: Float32Array
}

/** RegionWork as another worker is sent it, with the network it needs and the settings it reads. */
export interface PackedRegion {
  network: StyleNetwork
  settings: RegionSettings
  start: PackedImage
  content: PackedImage
  styleTargets: (Omit<StyleLayerTarget, 'gramPerPosition'> & { gramPerPosition: { shape: [number, number]; data: Float32Array } })[]
  iterations: number
  seed: number
  coarserFrequency?: number
}

/** A borrowed region's step, sent back to the worker that runs the style job. */
export interface RegionStep {
  step: number
  losses: StyleLosses
  image: PackedImage
}

function packImage(image: tf.Tensor4D): PackedImage {
  return { shape: image.shape, data: image.dataSync() as Float32Array }
}

function unpackImage(packed: PackedImage): tf.Tensor4D {
  return tf.tensor4d(packed.data, packed.shape)
}

function packRegion(network: StyleNetwork, settings: RegionSettings, work: RegionWork): PackedRegion {
  return {
    network,
    settings,
    start: packImage(work.start),
    content: packImage(work.content),
    styleTargets: work.styleTargets.map((target) => ({
      ...target,
      gramPerPosition: { shape: target.gramPerPosition.shape, data: target.gramPerPosition.dataSync() as Float32Array }
    })),
    iterations: work.iterations,
    seed: work.seed,
    coarserFrequency: work.coarserFrequency
  }
}

/** Paints a region sent by another worker, sending G back after every step. */
export async function paintPackedRegion(packed: PackedRegion, network: FeatureNetwork, context: TaskContext): Promise<{ image: PackedImage; cpuSeconds?: number }> {
  const work: RegionWork = {
    start: unpackImage(packed.start),
    content: unpackImage(packed.content),
    styleTargets: packed.styleTargets.map((target) => ({ ...target, gramPerPosition: tf.tensor2d(target.gramPerPosition.data, target.gramPerPosition.shape) })),
    iterations: packed.iterations,
    seed: packed.seed,
    coarserFrequency: packed.coarserFrequency
  }
  try {
    const { value: image, cpuSeconds } = await onThisThread(() =>
      paintRegion(work, packed.settings, network, {
        isCancelled: () => context.isCancelled(),
        onStep: (losses, image, step) => context.partial({ step, losses, image: packImage(image) } satisfies RegionStep)
      })
    )
    try {
      return { image: packImage(image), cpuSeconds }
    } finally {
      image.dispose()
    }
  } finally {
    tf.dispose([work.start, work.content, ...work.styleTargets.map((t) => t.gramPerPosition)])
  }
}

/** A region waiting to be painted: from its start, or from where a lent worker left it. */
interface Pending {
  index: number
  work: RegionWork
  /** Steps already taken elsewhere: this work's steps are numbered on from them. */
  offset: number
  /** Whether work.start is this painter's own (a handed-back picture) and is disposed with it. */
  ownsStart: boolean
}

/**
 * Paints a scale's regions on this worker and, as long as the pool lends them, on other workers:
 * this worker takes regions from the front, each lent worker from the back, one at a time, so
 * that both finish at about the same time. A lent worker that the pool takes back (a camera view
 * opened) hands its region back where it stood, and this worker goes on from there.
 */
export function sharedPainter(context: TaskContext, id: StyleNetwork, settings: RegionSettings, network: FeatureNetwork): RegionPainter {
  return {
    parallel: async () => 1 + (await context.lendable()),
    async paint(works, hooks) {
      const helpers = works.length > 1 ? Math.min(works.length - 1, await context.lendable()) : 0
      return paintShared(context, id, settings, network, works, hooks, helpers)
    }
  }
}

async function paintShared(
  context: TaskContext,
  id: StyleNetwork,
  settings: RegionSettings,
  network: FeatureNetwork,
  works: readonly RegionWork[],
  hooks: RegionsHooks,
  helpers: number
): Promise<PaintedRegion[]> {
  const queue: Pending[] = works.map((work, index) => ({ index, work, offset: 0, ownsStart: false }))
  const painted: (PaintedRegion | undefined)[] = works.map(() => undefined)
  const recall = new AbortController()
  // Tensors this painter made (handed-back pictures) are disposed once their region is done.
  const finish = (pending: Pending, region: PaintedRegion): void => {
    painted[pending.index] = region
    if (pending.ownsStart) pending.work.start.dispose()
  }

  const lent = async (): Promise<void> => {
    for (let pending = queue.pop(); pending; pending = queue.pop()) {
      const current = pending
      let last: RegionStep | undefined
      // Steps are reported in order, and all of them before the region counts as painted.
      let reporting: Promise<void> = Promise.resolve()
      try {
        const result = await context.borrow('style.paintRegion', packRegion(id, settings, current.work), {
          signal: recall.signal,
          onPartial: (value) => {
            const step = value as RegionStep
            last = step
            reporting = reporting.then(async () => {
              const image = unpackImage(step.image)
              try {
                await hooks.onStep(current.index, current.offset + step.step, step.losses, image)
              } finally {
                image.dispose()
              }
            })
          }
        })
        await reporting
        if (result === undefined) {
          // No worker to lend any more: this worker paints the rest.
          queue.push(current)
          return
        }
        finish(current, { image: unpackImage(result.image), worker: result.worker, cpuSeconds: result.cpuSeconds })
      } catch (error) {
        await reporting.catch(() => undefined)
        if (recall.signal.aborted || hooks.isCancelled?.()) throw error
        // Taken back (other work waits for that worker) or it stopped: go on here from its last step.
        queue.push(last ? handedBack(current, last) : current)
        return
      }
    }
  }

  const here = async (helping: Promise<unknown>): Promise<void> => {
    for (;;) {
      const pending = queue.shift()
      if (!pending) {
        // Nothing left to take; a lent worker may still hand a region back.
        await helping
        if (queue.length === 0) return
        continue
      }
      if (pending.work.iterations === 0) {
        finish(pending, { image: pending.work.start.clone(), worker: context.worker })
        continue
      }
      const { value: image, cpuSeconds } = await onThisThread(() =>
        paintRegion(pending.work, settings, network, {
          isCancelled: hooks.isCancelled,
          onStep: (losses, image, step) => hooks.onStep(pending.index, pending.offset + step, losses, image)
        })
      )
      finish(pending, { image, worker: context.worker, cpuSeconds })
    }
  }

  const helping = Promise.allSettled(Array.from({ length: helpers }, lent))
  const outcomes = await Promise.allSettled([
    here(helping).catch((error: unknown) => {
      recall.abort()
      throw error
    }),
    helping
  ])
  const failures = [...outcomes, ...(await helping)].filter((o): o is PromiseRejectedResult => o.status === 'rejected')
  if (failures.length > 0 || painted.some((p) => p === undefined)) {
    tf.dispose([...painted.flatMap((p) => (p ? [p.image] : [])), ...queue.filter((p) => p.ownsStart).map((p) => p.work.start)])
    throw failures[0]?.reason ?? new LikenessError('Internal', 'A region of the picture was left unpainted.')
  }
  return painted as PaintedRegion[]
}

/** The rest of a region whose lent worker stopped after `last`: from its picture there, with the steps left. */
function handedBack(pending: Pending, last: RegionStep): Pending {
  const done = last.step + 1
  if (pending.ownsStart) pending.work.start.dispose()
  return {
    index: pending.index,
    offset: pending.offset + done,
    ownsStart: true,
    work: { ...pending.work, start: unpackImage(last.image), iterations: pending.work.iterations - done, seed: pending.work.seed + 7919 * done }
  }
}
