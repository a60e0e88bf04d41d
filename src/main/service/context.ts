import type { EnginePool } from '../worker/pool'
import type { Store } from '../store'
import type { Jobs } from './jobs'
import type { SystemInfo } from '../../shared/api/system'
import type { Faces } from './faces'
import type { SharedGalleryControl } from './sharedGallery'
import type { AdminGate } from './adminGate'
import type { CheckInRetention } from './retention'

/** What every use case may reach: the engine, the store and the job books — never Electron. */
export interface ServiceContext {
  dataDir: string
  host: SystemInfo['host']
  pool: EnginePool
  store: Store
  jobs: Jobs
  faces: Faces
  shared: SharedGalleryControl
  admin: AdminGate
  retention: CheckInRetention
}
