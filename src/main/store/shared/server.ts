import pg from 'pg'
import { LikenessError } from '../../../shared/errors'
import { ChangeFeed } from '../galleryStore'

/** Where the server is for people: user@host:port/database, never the password. */
export function describeServer(connection: string): string {
  try {
    const url = new URL(connection)
    return `${url.username ? `${decodeURIComponent(url.username)}@` : ''}${url.host}${url.pathname}`
  } catch {
    return 'the shared gallery server'
  }
}

/** The channel the server announces gallery changes on. */
export const changeChannel = 'likeness_gallery'

export interface ServerStatus {
  online: boolean
  problem: string | null
}

const connectTimeout = 3000
/** A query that hangs this long (a cable pulled, a server frozen) counts as the server gone. */
const queryTimeout = 10_000
/** While online the listening connection is asked every few seconds, so a silent network is noticed. */
const heartbeatEvery = 5000
const firstRetry = 250
const slowestRetry = 5000

/**
 * A lost connection, a refused one, a server shutting down or a timeout: the desk is offline. A
 * server's own error (a constraint, bad SQL) is not.
 */
export function isConnectionLoss(error: unknown): boolean {
  if (error instanceof LikenessError) return error.kind === 'Offline'
  if (error instanceof pg.DatabaseError) return /^(08|57P)/.test(error.code ?? '')
  if (!(error instanceof Error)) return false
  const code = (error as NodeJS.ErrnoException).code
  return (typeof code === 'string' && /^E[A-Z]+$/.test(code)) || /Connection terminated|timeout|not queryable|Client has encountered a connection error/i.test(error.message)
}

export function offline(problem: string | null): LikenessError {
  return new LikenessError('Offline', `The shared gallery's server cannot be reached${problem ? ` (${problem})` : ''}.`, { problem })
}

/**
 * The connection to the shared gallery's server: a small pool for queries and one connection that
 * LISTENs for change notifications and tells whether the desk is online. When that connection is
 * lost the desk is offline, and it retries with a growing pause until the server answers again.
 */
export class SharedServer {
  private readonly pool: pg.Pool
  private listener: pg.Client | null = null
  private isOnline = false
  private lastProblem: string | null = null
  private retry: NodeJS.Timeout | null = null
  private heartbeat: NodeJS.Timeout | null = null
  private pause = firstRetry
  private closed = false
  private connecting: Promise<boolean> | null = null
  readonly status = new ChangeFeed<ServerStatus>()
  /** A gallery change was announced. */
  readonly notified = new ChangeFeed<void>()

  constructor(private readonly connection: string) {
    this.pool = new pg.Pool({ connectionString: connection, max: 4, connectionTimeoutMillis: connectTimeout, query_timeout: queryTimeout, idleTimeoutMillis: 30_000 })
    // An idle pooled connection that breaks must not take the process down with it.
    this.pool.on('error', (error) => this.lost(error))
  }

  get online(): boolean {
    return this.isOnline
  }

  get problem(): string | null {
    return this.lastProblem
  }

  /** One attempt to reach the server now; while it cannot be reached, attempts go on in the background. */
  connect(): Promise<boolean> {
    this.connecting ??= this.attempt().finally(() => (this.connecting = null))
    return this.connecting
  }

  private async attempt(): Promise<boolean> {
    if (this.closed || this.isOnline) return this.isOnline
    const client = new pg.Client({ connectionString: this.connection, connectionTimeoutMillis: connectTimeout, query_timeout: queryTimeout, keepAlive: true })
    client.on('error', (error) => this.lost(error, client))
    client.on('end', () => this.lost(new Error('Connection terminated'), client))
    client.on('notification', () => this.notified.emit())
    try {
      await client.connect()
      await client.query(`LISTEN ${changeChannel}`)
    } catch (error) {
      client.removeAllListeners('end')
      await client.end().catch(() => undefined)
      this.lastProblem = problemOf(error)
      this.scheduleRetry()
      this.status.emit({ online: false, problem: this.lastProblem })
      return false
    }
    if (this.closed) {
      await client.end().catch(() => undefined)
      return false
    }
    this.listener = client
    this.isOnline = true
    this.lastProblem = null
    this.pause = firstRetry
    this.heartbeat = setInterval(() => void client.query('SELECT 1').catch((error: unknown) => this.lost(error, client)), heartbeatEvery)
    this.heartbeat.unref()
    this.status.emit({ online: true, problem: null })
    return true
  }

  private scheduleRetry(): void {
    if (this.closed || this.retry) return
    this.retry = setTimeout(() => {
      this.retry = null
      void this.connect()
    }, this.pause)
    this.retry.unref()
    this.pause = Math.min(this.pause * 2, slowestRetry)
  }

  /** The server is gone (or a connection to it broke): offline until the listener is back. */
  private lost(error: unknown, client?: pg.Client): void {
    if (client && client !== this.listener) return
    if (!this.isOnline) return
    this.isOnline = false
    this.lastProblem = problemOf(error)
    if (this.heartbeat) clearInterval(this.heartbeat)
    this.heartbeat = null
    const listener = this.listener
    this.listener = null
    if (listener) {
      listener.removeAllListeners('end')
      void listener.end().catch(() => undefined)
    }
    this.status.emit({ online: false, problem: this.lastProblem })
    this.scheduleRetry()
  }

  /** A failure as the caller should see it: a lost connection is Offline (and the desk goes offline). */
  private failure(error: unknown): unknown {
    if (!isConnectionLoss(error)) return translate(error)
    this.lost(error)
    return error instanceof LikenessError ? error : offline(problemOf(error))
  }

  async query<Row extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<Row[]> {
    if (!this.isOnline) throw offline(this.lastProblem)
    try {
      return (await this.pool.query<Row>(text, values)).rows
    } catch (error) {
      throw this.failure(error)
    }
  }

  /**
   * Runs `work` in one transaction. A connection lost on the way (even during COMMIT, when the
   * outcome is unknown) is an Offline error: writes that must not happen twice carry an id.
   */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>, isolation: 'READ COMMITTED' | 'REPEATABLE READ' = 'READ COMMITTED'): Promise<T> {
    if (!this.isOnline) throw offline(this.lastProblem)
    let client: pg.PoolClient
    try {
      client = await this.pool.connect()
    } catch (error) {
      throw this.failure(error)
    }
    let broken = false
    try {
      await client.query(`BEGIN ISOLATION LEVEL ${isolation}`)
      const result = await work(client)
      await client.query('COMMIT')
      return result
    } catch (error) {
      broken = isConnectionLoss(error)
      if (!broken) await client.query('ROLLBACK').catch(() => (broken = true))
      throw this.failure(error)
    } finally {
      client.release(broken)
    }
  }

  /** A client of its own for work that must not share the pool (the schema migration). */
  async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (!this.isOnline) throw offline(this.lastProblem)
    const client = await this.pool.connect().catch((error: unknown) => Promise.reject(this.failure(error)))
    try {
      return await work(client)
    } catch (error) {
      throw this.failure(error)
    } finally {
      client.release()
    }
  }

  async close(): Promise<void> {
    this.closed = true
    if (this.retry) clearTimeout(this.retry)
    if (this.heartbeat) clearInterval(this.heartbeat)
    const listener = this.listener
    this.listener = null
    this.isOnline = false
    if (listener) {
      listener.removeAllListeners('end')
      await listener.end().catch(() => undefined)
    }
    await this.pool.end().catch(() => undefined)
  }
}

function problemOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return problemOf(error.errors[0])
  return error instanceof Error ? error.message || String((error as NodeJS.ErrnoException).code ?? 'connection failed') : String(error)
}

/** A server error the user can act on, as a typed error; the rest stay as they are (Internal). */
function translate(error: unknown): unknown {
  if (!(error instanceof pg.DatabaseError)) return error
  if (error.code === '28P01' || error.code === '28000') return new LikenessError('BadRequest', `The shared gallery's server refused the login: ${error.message}`)
  if (error.code === '3D000') return new LikenessError('BadRequest', `The shared gallery's database does not exist: ${error.message}`)
  return error
}
