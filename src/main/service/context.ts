import type { EnginePool } from '../engine/pool'
import type { Database } from '../store/db'
import type { Jobs } from './jobs'
import type { SystemInfo } from '../../shared/api/system'

/** What every use case may reach: the engine, the store and the job books — never Electron. */
export interface ServiceContext {
  dataDir: string
  host: SystemInfo['host']
  pool: EnginePool
  db: Database
  jobs: Jobs
}
