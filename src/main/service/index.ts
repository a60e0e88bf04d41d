import { LikenessError, toErrorInfo } from '../../shared/errors'
import { isMethodName, methods, type AppEvent, type MethodName, type RequestOf } from '../../shared/contract'
import type { Result } from '../../shared/result'
import type { JobFeed } from '../../shared/jobs'
import type { SystemInfo } from '../../shared/api/system'
import { EnginePool } from '../worker/pool'
import type { BackendChoice } from '../engine/backend'
import { Store } from '../store'
import type { KeyProvider } from '../store/crypto/keyring'
import type { OsKeychain } from '../store/crypto/keyProviders'
import { Faces } from './faces'
import { faceHandlers } from './face'
import { checkinHandlers } from './checkin'
import { galleryHandlers } from './gallery'
import { exploreHandlers } from './explore'
import { styleHandlers } from './style'
import { trainHandlers } from './train'
import type { ServiceContext } from './context'
import type { Handlers } from './handlers'
import { Jobs } from './jobs'
import { settingsHandlers } from './settings'
import { systemHandlers } from './system'
import { privacyHandlers } from './privacy'
import { AdminGate } from './adminGate'
import { auditCall } from './audit'
import { CheckInRetention } from './retention'
import { CameraViews } from './cameraViews'
import { SharedGalleryControl, sharedHandlers } from './sharedGallery'

export interface ServiceOptions {
  dataDir: string
  /** What may unlock the data folder, in order (the desktop host puts the OS keychain first). */
  keys: readonly KeyProvider[]
  workerScript: URL | string
  host: SystemInfo['host']
  workers?: number
  backend?: BackendChoice
  /** A shared gallery's PostgreSQL connection string (LIKENESS_DATABASE_URL): overrides the one saved in Settings. */
  databaseUrl?: string
  /** The gallery passphrase for the first time this desk opens LIKENESS_DATABASE_URL's gallery (LIKENESS_GALLERY_PASSPHRASE). */
  galleryPassphrase?: string
  /** The OS keychain, where there is one (the desktop app): it seals the shared gallery's password. */
  secrets?: OsKeychain
}

/**
 * The use cases behind the contract. Knows nothing of Electron or sockets: ipc.ts and the web
 * bridge hand it raw requests and forward its events.
 */
export class Service {
  private readonly listeners = new Set<(event: AppEvent) => void>()
  private readonly handlers: Handlers

  private constructor(private readonly context: ServiceContext) {
    this.handlers = {
      ...systemHandlers(context),
      ...settingsHandlers(context),
      ...faceHandlers(context),
      ...checkinHandlers(context),
      ...galleryHandlers(context),
      ...exploreHandlers(context),
      ...styleHandlers(context),
      ...trainHandlers(context),
      ...sharedHandlers(context),
      ...privacyHandlers(context)
    }
  }

  static async open(options: ServiceOptions): Promise<Service> {
    const store = await Store.open(options.dataDir, options.keys)
    let service: Service | undefined
    const shared = await SharedGalleryControl.open(store, {
      environmentUrl: options.databaseUrl || undefined,
      galleryPassphrase: options.galleryPassphrase || undefined,
      secrets: options.secrets,
      announce: (status) => service?.emit({ type: 'shared', status })
    })
    const pool = new EnginePool({ workerScript: options.workerScript, dataDir: options.dataDir, size: options.workers, backend: options.backend })
    const faces = await Faces.open(pool, store)
    const jobs = new Jobs((job) => service?.emit({ type: 'job', job: { ...job } }))
    const retention = new CheckInRetention(store, async (outcome) => {
      await store.audit.append({ action: 'retention', by: 'service', detail: 'error' in outcome ? { error: outcome.error } : { checkIns: outcome.removed, before: outcome.cutoff } })
    })
    service = new Service({ dataDir: options.dataDir, host: options.host, pool, store, jobs, faces, shared, admin: new AdminGate(store, options.host), retention, cameras: new CameraViews() })
    await retention.start()
    return service
  }

  /** Validates an untrusted request and runs it; every failure comes back as a typed error. */
  async handle(method: unknown, request: unknown): Promise<Result<unknown>> {
    try {
      if (!isMethodName(method)) throw new LikenessError('BadRequest', `There is no method called ${String(method)}.`)
      const parsed = methods[method].request.safeParse(request ?? {})
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        throw new LikenessError('BadRequest', `Malformed request for ${method}: ${issue?.path.join('.') || 'request'}: ${issue?.message ?? 'invalid'}`, {
          method,
          issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message }))
        })
      }
      this.context.admin.check(method, parsed.data)
      const handler = this.handlers[method] as (request: unknown) => Promise<unknown>
      const value = await handler(parsed.data)
      await this.audit(method, parsed.data, value)
      return { ok: true, value }
    } catch (error) {
      return { ok: false, error: toErrorInfo(error) }
    }
  }

  /** Typed call for in-process users (the CLI, tests): throws LikenessError on failure. */
  async call<M extends MethodName>(method: M, request: RequestOf<M>): Promise<Awaited<ReturnType<Handlers[M]>>> {
    const result = await this.handle(method, request)
    if (!result.ok) throw new LikenessError(result.error.kind, result.error.message, result.error.detail)
    return result.value as Awaited<ReturnType<Handlers[M]>>
  }

  subscribe(listener: (event: AppEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Jobs as an in-process client follows them (awaitJob in shared/jobs.ts): the CLI, the tests. */
  readonly jobFeed: JobFeed = {
    get: (jobId) => this.call('jobs.get', { jobId }),
    subscribe: (listener) => this.subscribe((event) => event.type === 'job' && listener(event.job))
  }

  async close(): Promise<void> {
    this.context.retention.stop()
    this.context.jobs.cancelAll()
    await this.context.pool.close()
    await this.context.store.close()
  }

  /** The call is done whatever happens here: a log that cannot be written is reported, not thrown at the caller. */
  private async audit(method: MethodName, request: unknown, response: unknown): Promise<void> {
    const { store, host } = this.context
    try {
      await auditCall(store, host, method, request as never, response as never)
    } catch (error) {
      store.notices.push({ kind: 'audit-failed', message: `The audit log could not record ${method}: ${(error as Error).message}` })
    }
  }

  private emit(event: AppEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch {
        // A listener that throws (a closed window, a dropped socket) must not stop the others.
      }
    }
  }
}
