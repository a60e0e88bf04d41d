import { existsSync } from 'node:fs'
import path from 'node:path'

/**
 * The shared datasets (README: never copied into the project): `LIKENESS_DATASETS` when set,
 * else `../shared/datasets` beside the repository (the main checkout's layout). null when absent,
 * so that a test can skip with a message and a bench can say what it could not measure.
 */
export function sharedDatasets(): string | null {
  const dir = process.env.LIKENESS_DATASETS ?? path.resolve(import.meta.dirname, '..', '..', '..', 'shared', 'datasets')
  return existsSync(dir) ? dir : null
}

/** The front desk's face videos, d0 … d19, one person each. */
export const faceVideos = ['d0', 'd3', 'd6', 'd9', 'd12', 'd19'] as const
