import { randomUUID } from 'node:crypto'
import { LikenessError } from '../../shared/errors'
import type { Database } from './db'
import type { StoreFiles } from './files'
import type { TrainedModelRecord } from './schema'

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

export type NewTrainedModel = Omit<TrainedModelRecord, 'id' | 'createdAt' | 'status' | 'file' | 'sizes'>

/**
 * The training lab's models: the one writer of db.trainedModels and of models/. A model is a
 * candidate until kept; one kept model per mode; reverting deletes it.
 */
export class TrainedModelStore {
  constructor(
    private readonly db: Database,
    private readonly files: StoreFiles
  ) {}

  list(): TrainedModelRecord[] {
    return [...this.db.data.trainedModels]
  }

  get(modelId: string): TrainedModelRecord {
    const found = this.db.data.trainedModels.find((m) => m.id === modelId)
    if (!found) throw new LikenessError('NotFound', 'There is no such trained model.', { modelId })
    return found
  }

  kept(): TrainedModelRecord[] {
    return this.db.data.trainedModels.filter((m) => m.status === 'kept')
  }

  /** The model's numbers (float32 arrays back to back), as the gallery copies them into its embedding. */
  readValues(model: TrainedModelRecord): Promise<Uint8Array> {
    return this.files.read(model.file)
  }

  /** Stores a new candidate: its values first, then the record that makes it count. */
  async add(model: NewTrainedModel, values: readonly Float32Array[]): Promise<TrainedModelRecord> {
    const id = randomUUID()
    const file = `models/${id}.f32`
    await this.files.write(file, packValues(values))
    const record: TrainedModelRecord = { ...model, id, createdAt: Date.now(), status: 'candidate', file, sizes: values.map((v) => v.length) }
    try {
      await this.db.update((draft) => {
        draft.trainedModels.push(record)
      })
    } catch (error) {
      await this.files.remove([file])
      throw error
    }
    return record
  }

  /** Keeps a model; the one kept before it in the same mode is retired and its file deleted. */
  async keep(modelId: string): Promise<void> {
    const kept = this.get(modelId)
    const retired = this.db.data.trainedModels.filter((m) => m.mode === kept.mode && m.status === 'kept' && m.id !== modelId)
    await this.db.update((draft) => {
      draft.trainedModels = draft.trainedModels.filter((m) => !retired.some((r) => r.id === m.id)).map((m) => (m.id === modelId ? { ...m, status: 'kept' as const } : m))
    })
    await this.files.remove(retired.map((m) => m.file))
  }

  async remove(modelId: string): Promise<void> {
    const model = this.get(modelId)
    await this.db.update((draft) => {
      draft.trainedModels = draft.trainedModels.filter((m) => m.id !== modelId)
    })
    await this.files.remove([model.file])
  }
}
