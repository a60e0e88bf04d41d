import { workerData } from 'node:worker_threads'
import { ModelCache } from '../models/cache'
import type { WorkerData } from './protocol'

/** This worker's networks: each loads once, on first use, whichever operation asks first. */
export const models = new ModelCache({ dataDir: (workerData as WorkerData).dataDir })
