import { toErrorInfo, type ErrorKind } from '../../shared/errors'

export interface EachOutcome<R> {
  /** By item index: what `work` gave, or undefined where it found nothing or failed. */
  results: (R | undefined)[]
  /** Items whose work failed with a typed error (a cancel is thrown instead), by index. */
  failures: { index: number; kind: ErrorKind }[]
}

/**
 * Runs `work` on every item, `parallel` at a time (one per engine worker), and calls `onDone` as
 * each finishes. One item's failure is recorded, not thrown: a folder with one unreadable photo is
 * still evaluated, a training set still prepared. A cancel stops everything.
 */
export async function eachOnEngine<T, R>(
  items: readonly T[],
  parallel: number,
  work: (item: T) => Promise<R | undefined>,
  onDone: (done: number, total: number) => void
): Promise<EachOutcome<R>> {
  const results: (R | undefined)[] = new Array(items.length)
  const failures: EachOutcome<R>['failures'] = []
  let next = 0
  let done = 0
  const runner = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      try {
        results[index] = await work(items[index]!)
      } catch (error) {
        const info = toErrorInfo(error)
        if (info.kind === 'Cancelled') throw error
        failures.push({ index, kind: info.kind })
      }
      onDone(++done, items.length)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, runner))
  return { results, failures }
}

/** Images where nothing was found or the work failed, and why, in their order: what a job reports as missed. */
export function missedImages(files: readonly string[], results: readonly unknown[], failures: EachOutcome<unknown>['failures']): { file: string; kind: ErrorKind }[] {
  const why = new Map(failures.map(({ index, kind }) => [index, kind]))
  return files.flatMap((file, i) => (results[i] !== undefined ? [] : [{ file, kind: why.get(i) ?? 'NoFace' }]))
}
