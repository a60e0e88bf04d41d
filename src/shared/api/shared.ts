import { z } from 'zod'
import { job, method } from '../method'
import { passphrase } from './privacy'

/**
 * Where this desk's gallery lives, and whether the server is with us. In 'shared' mode people,
 * photos, templates, check-ins, τ and the check-in interval are on a PostgreSQL server several
 * desks use; the desk searches its own mirror of the templates and queues check-ins on its disk
 * while the server cannot be reached.
 */
export interface SharedGalleryStatus {
  mode: 'local' | 'shared'
  /** The server as user@host:port/database: never a password. */
  server: string | null
  /** What chose the server: LIKENESS_DATABASE_URL overrides the setting. */
  source: 'settings' | 'environment' | null
  online: boolean
  /** Check-ins waiting on this desk's disk until the server is back. */
  queued: number
  /** Why the server cannot be reached, while it cannot. */
  problem: string | null
}

export interface SharedStatusEvent {
  type: 'shared'
  status: SharedGalleryStatus
}

/**
 * A PostgreSQL connection string (postgres://user@host:port/database?sslmode=verify-full&sslrootcert=…):
 * TLS options pass through to the client as libpq spells them.
 */
const connectionUrl = z
  .string()
  .max(2000)
  .refine((url) => /^postgres(ql)?:\/\//.test(url), 'a postgres:// or postgresql:// connection string')

const empty = z.object({}).strict()

export const sharedMethods = {
  'shared.status': method<SharedGalleryStatus>()(empty),
  /**
   * Uses a shared gallery from now on: `url` (or LIKENESS_DATABASE_URL when it is set), and the
   * password, which the desktop app keeps in the OS keychain. With `move`, this desk's local
   * gallery and check-ins go to the server and leave the desk.
   *
   * `galleryPassphrase` opens the gallery key under which the server's photos, thumbnails and
   * templates are sealed; an admin types it the first time a desk joins (the desk keeps the key,
   * sealed under its data key). Given for a gallery not sealed yet, it seals it; a wrong one is
   * WrongKey and changes nothing.
   */
  'shared.connect': job<SharedGalleryStatus>()(
    z
      .object({ url: connectionUrl.optional(), password: z.string().min(1).max(1000).optional(), galleryPassphrase: passphrase.optional(), move: z.boolean().default(false) })
      .strict()
  ),
  /** Back to the local gallery; with `move`, the shared gallery and its check-ins are copied into it first (the server keeps them). */
  'shared.disconnect': job<SharedGalleryStatus>()(z.object({ move: z.boolean().default(false) }).strict())
}
