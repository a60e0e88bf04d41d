import type * as tf from '@tensorflow/tfjs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { loadGraphModelFromDir } from './graphModel'

const requireHere = createRequire(import.meta.url)

/**
 * Where `@vladmandic/human` keeps its graph models: read from node_modules, never fetched. Its
 * "exports" map hides package.json, so the folder is found from the main entry (dist/human.node.js).
 */
export function humanModelDir(): string {
  return path.join(path.dirname(requireHere.resolve('@vladmandic/human')), '..', 'models')
}

// One loader per network: each becomes an entry of the model registry (issue 10) as it lands.

/** MediaPipe BlazeFace, the 256-px "back camera" variant: face boxes and six keypoints. */
export const loadBlazeFace = (dir = humanModelDir()): Promise<tf.GraphModel> => loadGraphModelFromDir(dir, 'blazeface')

/** MediaPipe FaceMesh: 468 points and a face-present score on a 192-px face crop. */
export const loadFaceMesh = (dir = humanModelDir()): Promise<tf.GraphModel> => loadGraphModelFromDir(dir, 'facemesh')

/** MediaPipe Iris: 71 eye-contour and 5 iris points on a 64-px eye crop. */
export const loadIris = (dir = humanModelDir()): Promise<tf.GraphModel> => loadGraphModelFromDir(dir, 'iris')

/** human's `antispoof` (a Kaggle fake-face classifier): real-face score on a 128-px crop. */
export const loadAntispoof = (dir = humanModelDir()): Promise<tf.GraphModel> => loadGraphModelFromDir(dir, 'antispoof')

/** human's `liveness` (leokwu/livenessnet): two-way softmax on a 32-px crop. */
export const loadLiveness = (dir = humanModelDir()): Promise<tf.GraphModel> => loadGraphModelFromDir(dir, 'liveness')
