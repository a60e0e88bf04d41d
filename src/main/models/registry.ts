import type { GraphModel } from '@tensorflow/tfjs'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { LikenessError } from '../../shared/errors'
import { createEncoderParams, disposeEncoderParams } from '../face/encoder'
import { asLibraryWeightMap, assertOneTfjs, faceapi } from '../face/faceapi'
import { loadInception } from '../style/networks/inception'
import { loadMobileNet } from '../style/networks/mobilenet'
import { loadVgg19 } from '../style/networks/vgg19'
import { loadGraphModelFromDir } from './graphModel'
import { readWeightsManifest } from './weightsManifest'

/**
 * Every network Likeness can load, where its files are, and how it loads. Weights ship inside npm
 * packages and are read from node_modules; the one that does not ship (VGG19) is downloaded into
 * the data folder. Nothing is fetched when a network loads. Adding a network is one entry here.
 */

/** Where downloaded weights live: the data folder's models/. Shipped weights need no location. */
export interface ModelLocations {
  dataDir: string
}

/** What a downloadable network's file is and how it is known to be right. */
export interface ModelDownload {
  url: string
  fileName: string
  bytes: number
  md5: string
}

interface ModelEntry<T> {
  label: string
  /** The files the network reads, absolute. All present = installed. */
  files(locations: ModelLocations): string[]
  load(files: string[]): Promise<T>
  dispose(model: T): void
  /** For a network that does not ship: where it can be fetched from (the Settings and Studio offer it). */
  download?: ModelDownload
}

const requireHere = createRequire(import.meta.url)

function packageDir(name: string): string {
  return path.dirname(requireHere.resolve(`${name}/package.json`))
}

/** nsfwjs's `exports` map hides dist/models; its CommonJS entry (dist/cjs/index.js) sits beside it. */
function nsfwjsModelDir(model: 'inception_v3' | 'mobilenet_v2'): string {
  return path.join(path.dirname(requireHere.resolve('nsfwjs')), '..', 'models', model)
}

/**
 * Where `@vladmandic/human` keeps its graph models. Its "exports" map hides package.json, so the
 * folder is found from the main entry (dist/human.node.js).
 */
function humanModelFile(name: string): string {
  return path.join(path.dirname(requireHere.resolve('@vladmandic/human')), '..', 'models', `${name}.json`)
}

/** A face-api weights manifest and its shards, from the package's model/ folder. */
function faceApiManifest(name: string): string {
  return path.join(packageDir('@vladmandic/face-api'), 'model', `${name}-weights_manifest.json`)
}

function entry<T>(spec: ModelEntry<T>): ModelEntry<T> {
  return spec
}

interface FaceApiNet {
  loadFromWeightMap(map: faceapi.tf.NamedTensorMap): void
  dispose(): void
}

// face-api's networks run on its own code, built from weight maps we read: the library never opens a file.
function faceApiEntry<N extends FaceApiNet>(label: string, manifestName: string, create: () => N): ModelEntry<N> {
  return entry({
    label,
    files: () => [faceApiManifest(manifestName)],
    load: async ([manifest]) => {
      assertOneTfjs()
      const net = create()
      net.loadFromWeightMap(asLibraryWeightMap(await readWeightsManifest(manifest!)))
      return net
    },
    dispose: (net) => net.dispose()
  })
}

// human's networks run on our tfjs as graph models, read through our own IOHandler (never a URL).
function humanEntry(label: string, name: string): ModelEntry<GraphModel> {
  return entry({
    label,
    files: () => [humanModelFile(name)],
    load: ([file]) => loadGraphModelFromDir(path.dirname(file!), name),
    dispose: (model) => model.dispose()
  })
}

/** Keras Applications' ImageNet VGG19 without its classifier: what the downloader fetches and verifies. */
export const vgg19Download: ModelDownload = {
  url: 'https://storage.googleapis.com/tensorflow/keras-applications/vgg19/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5',
  fileName: 'vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5',
  bytes: 80_134_624,
  md5: '253f8cb515780f3b799900260a226db6'
}

export const registry = {
  /** SSD-MobileNetV1: photos and enrollment. */
  ssd: faceApiEntry('SSD-MobileNetV1 face detector', 'ssd_mobilenetv1_model', () => new faceapi.SsdMobilenetv1()),
  tiny: faceApiEntry('Tiny face detector', 'tiny_face_detector_model', () => new faceapi.TinyFaceDetector()),
  landmarks68: faceApiEntry('68-point face landmarks', 'face_landmark_68_model', () => new faceapi.FaceLandmark68Net()),
  /** dlib's ResNet face encoder f(x), as our own trainable tfjs model. */
  encoder: entry({
    label: 'Face encoder',
    files: () => [faceApiManifest('face_recognition_model')],
    load: async ([manifest]) => createEncoderParams(await readWeightsManifest(manifest!)),
    dispose: disposeEncoderParams
  }),
  /** MediaPipe BlazeFace (256 px): the live path's detector and the photo path's second opinion. */
  blazeFace: humanEntry('BlazeFace face detector', 'blazeface'),
  /** MediaPipe FaceMesh: 468 points and a face-present score on a 192-px crop; the live tracker. */
  faceMesh: humanEntry('FaceMesh face landmarks', 'facemesh'),
  /** MediaPipe Iris: eye contours and iris on a 64-px eye crop; blinks. */
  iris: humanEntry('Iris eye landmarks', 'iris'),
  /** human's `antispoof` (a Kaggle fake-face classifier): a real-face score on a 128-px crop. */
  antispoof: humanEntry('Anti-spoofing classifier', 'antispoof'),
  /** human's `liveness` (leokwu/livenessnet): a two-way softmax on a 32-px crop. */
  liveness: humanEntry('Liveness classifier', 'liveness'),
  inception: entry({
    label: 'InceptionV3',
    files: () => [path.join(nsfwjsModelDir('inception_v3'), 'model.min.js')],
    load: async ([file]) => loadInception(path.dirname(file!)),
    dispose: (network) => network.dispose()
  }),
  mobilenet: entry({
    label: 'MobileNetV2',
    files: () => [path.join(nsfwjsModelDir('mobilenet_v2'), 'model.min.js')],
    load: async ([file]) => loadMobileNet(path.dirname(file!)),
    dispose: (network) => network.dispose()
  }),
  vgg19: entry({
    label: 'VGG19',
    files: ({ dataDir }) => [path.join(dataDir, 'models', vgg19Download.fileName)],
    load: ([file]) => loadVgg19(file!),
    dispose: (network) => network.dispose(),
    download: vgg19Download
  })
}

export type Registry = typeof registry
export type ModelId = keyof Registry
export type ModelOf<K extends ModelId> = Awaited<ReturnType<Registry[K]['load']>>
export const modelIds = Object.keys(registry) as ModelId[]

export function modelFiles(id: ModelId, locations: ModelLocations): string[] {
  return registry[id].files(locations)
}

export function isInstalled(id: ModelId, locations: ModelLocations): boolean {
  return modelFiles(id, locations).every((file) => existsSync(file))
}

/** The one "not installed" error: a download not made yet, or a shipped file missing from a broken install. */
export function requireInstalled(id: ModelId, locations: ModelLocations): void {
  if (isInstalled(id, locations)) return
  const { label, download } = registry[id]
  const message = download
    ? `${label} is not installed: download it or import its weights file first.`
    : `${label} is missing from Likeness's files: reinstall Likeness.`
  throw new LikenessError('ModelUnavailable', message, { model: id, files: modelFiles(id, locations) })
}

/** Loads a network afresh, uncached: callers that change its weights (fine-tuning) own their copy. */
export async function loadModel<K extends ModelId>(id: K, locations: ModelLocations): Promise<ModelOf<K>> {
  requireInstalled(id, locations)
  const spec = registry[id] as unknown as ModelEntry<ModelOf<K>>
  return spec.load(modelFiles(id, locations))
}

export function disposeModel<K extends ModelId>(id: K, model: ModelOf<K>): void {
  ;(registry[id] as unknown as ModelEntry<ModelOf<K>>).dispose(model)
}
