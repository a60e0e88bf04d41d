import type { NetworkId } from '../../shared/networks'
import type { FeatureNetwork } from '../engine/network'
import { encoderNetwork } from '../face/encoderNetwork'
import { FaceModels } from '../face/faceModels'
import type { LiveModels } from '../face/live/liveModels'
import { disposeModel, loadModel, requireInstalled, type ModelId, type ModelLocations, type ModelOf } from './registry'

/**
 * Networks loaded once per engine worker, on first use, and kept: a worker that runs a style job
 * and then an explorer scan uses the same InceptionV3, and the face encoder serves check-in, the
 * explorer and training alike. A failed load (VGG19 not downloaded) is not remembered.
 */
export class ModelCache {
  private readonly loaded = new Map<ModelId, Promise<unknown>>()
  private readonly loadCounts = new Map<ModelId, number>()

  constructor(readonly locations: ModelLocations) {}

  get<K extends ModelId>(id: K): Promise<ModelOf<K>> {
    let loading = this.loaded.get(id) as Promise<ModelOf<K>> | undefined
    if (!loading) {
      requireInstalled(id, this.locations)
      loading = loadModel(id, this.locations)
      this.loaded.set(id, loading)
      this.loadCounts.set(id, (this.loadCounts.get(id) ?? 0) + 1)
      loading.catch(() => this.loaded.delete(id))
    }
    return loading
  }

  /** A private, uncached copy for a caller that changes its weights (fine-tuning); the caller disposes it. */
  fresh<K extends ModelId>(id: K): Promise<ModelOf<K>> {
    return loadModel(id, this.locations)
  }

  /** How often each network was loaded into this cache: once, whatever uses it. */
  loads(): Partial<Record<ModelId, number>> {
    return Object.fromEntries(this.loadCounts)
  }

  async faceModels(): Promise<FaceModels> {
    const [ssd, tiny, landmarks, encoder, blazeFace, faceMesh] = await Promise.all([
      this.get('ssd'),
      this.get('tiny'),
      this.get('landmarks68'),
      this.get('encoder'),
      this.get('blazeFace'),
      this.get('faceMesh')
    ])
    return new FaceModels(ssd, tiny, landmarks, encoder, blazeFace, faceMesh)
  }

  /** The live path's networks around `face` (the gallery's encoder, a fine-tuned one when it has one). */
  async liveModels(face?: FaceModels): Promise<LiveModels> {
    const [faceModels, iris, antispoof, liveness] = await Promise.all([face ?? this.faceModels(), this.get('iris'), this.get('antispoof'), this.get('liveness')])
    return { face: faceModels, iris, antispoof, liveness }
  }

  /** A network the explorer and the style studio look through, by the contract's name. */
  async featureNetwork(id: NetworkId): Promise<FeatureNetwork> {
    return id === 'face' ? encoderNetwork(await this.get('encoder')) : this.get(id)
  }

  async dispose(): Promise<void> {
    for (const [id, loading] of this.loaded) {
      const model = await loading.catch(() => undefined)
      if (model !== undefined) disposeModel(id, model as ModelOf<typeof id>)
    }
    this.loaded.clear()
  }
}
