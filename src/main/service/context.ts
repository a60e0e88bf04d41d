import type { EnginePool } from '../worker/pool'
import type { Store } from '../store'
import type { Jobs } from './jobs'
import type { SystemInfo } from '../../shared/api/system'
import type { Faces } from './faces'
import type { SharedGalleryControl } from './sharedGallery'
import type { AdminGate } from './adminGate'
import type { CheckInRetention } from './retention'
import type { CameraViews } from './cameraViews'

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
  /** Whether a camera view is open: a style job borrows the live worker only while none is. */
  cameras: CameraViews
}
