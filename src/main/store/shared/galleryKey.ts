import { readFile, rm } from 'node:fs/promises'
import { z } from 'zod'
import { LikenessError } from '../../../shared/errors'
import { minPassphraseLength } from '../../../shared/api/privacy'
import { writeFileAtomic } from '../atomicWrite'
import { gcmOpen, gcmSeal, keyBytes } from '../crypto/aesGcm'
import { DataKey } from '../crypto/dataKey'
import { deriveKey, newScryptParams, saneScryptParams } from '../crypto/passphrase'
import { lockGallery } from './changeLog'
import { SealedColumns, sealPlainGallery } from './sealedColumns'
import type { SharedServer } from './server'

/**
 * The gallery key: one random AES-256 key per shared gallery, under which every biometric value on
 * the server is sealed (sealedColumns.ts). The server holds it only wrapped by the gallery
 * passphrase (scrypt as the data folder's passphrase, then AES-256-GCM) in likeness.gallery, so a
 * copy of the database, its disk or its backups holds no face; every desk of the gallery holds the
 * key, and the server never does. An admin types the passphrase at each desk once: the desk then
 * keeps the key sealed under its own data key (KeptGalleryKey), and restarts do not ask again.
 */

/** What likeness.gallery holds of the key: the scrypt salt and cost, and the key sealed under what they derive. */
interface WrappedKey {
  salt: Uint8Array
  logN: number
  sealed: Uint8Array
}

/** The wrapped key names its gallery: a wrapping copied into another gallery's row does not open there. */
const wrapData = (galleryId: string): Uint8Array => new TextEncoder().encode(`likeness:gallery-key:${galleryId}`)

/** scrypt's block size and parallelism, fixed here (the row stores the cost and the salt only). */
const r = 8
const p = 1

async function wrap(key: DataKey, passphrase: string, galleryId: string): Promise<WrappedKey> {
  const params = { ...newScryptParams(), r, p }
  const kek = await deriveKey(passphrase, params)
  const raw = key.exportForWrapping()
  const sealed = gcmSeal(kek, raw, wrapData(galleryId))
  raw.fill(0)
  kek.fill(0)
  return { salt: params.salt, logN: params.logN, sealed }
}

async function unwrap({ salt, logN, sealed }: WrappedKey, passphrase: string, galleryId: string): Promise<DataKey> {
  const params = { logN, r, p, salt }
  if (!saneScryptParams(params)) throw new LikenessError('StoreCorrupt', 'The shared gallery holds a wrapped key with impossible parameters.')
  const kek = await deriveKey(passphrase, params)
  const raw = gcmOpen(kek, sealed, wrapData(galleryId))
  kek.fill(0)
  if (!raw || raw.byteLength !== keyBytes) throw new LikenessError('WrongKey', 'That gallery passphrase does not open this shared gallery.', { problem: 'wrong-gallery-passphrase' })
  const key = DataKey.fromBytes(raw)
  raw.fill(0)
  return key
}

interface GalleryKeyRow {
  id: string
  key_salt: Buffer | null
  key_log_n: number | null
  sealed_key: Buffer | null
}

const wrappedOf = (row: GalleryKeyRow): WrappedKey | null =>
  row.sealed_key && row.key_salt && row.key_log_n !== null ? { salt: new Uint8Array(row.key_salt), logN: row.key_log_n, sealed: new Uint8Array(row.sealed_key) } : null

const keySelect = 'SELECT id, key_salt, key_log_n, sealed_key FROM likeness.gallery'

function oneRow(rows: GalleryKeyRow[]): GalleryKeyRow {
  if (!rows[0]) throw new LikenessError('StoreCorrupt', 'The shared gallery has no gallery record: its schema was set up incompletely.')
  return rows[0]
}

/** The gallery key a desk holds: which gallery it opens, and the key. */
export interface HeldGalleryKey {
  galleryId: string
  key: DataKey
}

export interface OpenedGalleryKey extends HeldGalleryKey {
  columns: SealedColumns
  /** Whether the desk has it from the passphrase now (and should keep it); false: it was already kept. */
  fromPassphrase: boolean
  /** Values sealed now: the gallery was plain until this desk set its passphrase. */
  sealedNow: number
}

/**
 * The key of the gallery on the server, for a desk that may keep one (`kept`) and may have been
 * given the passphrase. A sealed gallery opens with the passphrase (a wrong one is WrongKey and
 * changes nothing) or with the key the desk kept for this gallery; without either it is WrongKey,
 * asking for the passphrase. A gallery not sealed yet is sealed with the passphrase given: a new
 * key, and every biometric value sealed in the one transaction that stores the wrapped key. Without
 * a passphrase it is refused: Likeness writes no plain biometrics to a server.
 */
export async function openGalleryKey(server: SharedServer, kept: HeldGalleryKey | null, passphrase: string | undefined): Promise<OpenedGalleryKey> {
  const row = oneRow(await server.query<GalleryKeyRow>(keySelect))
  const wrapped = wrappedOf(row)
  const opened = (key: DataKey, fromPassphrase: boolean, sealedNow = 0): OpenedGalleryKey => ({ galleryId: row.id, key, columns: new SealedColumns(key), fromPassphrase, sealedNow })
  if (wrapped) {
    // A passphrase given is checked even when the desk kept the key: a wrong one is said, not ignored.
    if (passphrase !== undefined) return opened(await unwrap(wrapped, passphrase, row.id), true)
    if (kept?.galleryId === row.id) return opened(kept.key, false)
    throw new LikenessError('WrongKey', 'This shared gallery is sealed with a gallery passphrase: type it once at this desk.', { problem: 'needs-gallery-passphrase' })
  }
  if (passphrase === undefined) {
    throw new LikenessError('WrongKey', 'This shared gallery holds faces in the clear: set a gallery passphrase to seal it (Likeness writes no plain biometrics to the server).', {
      problem: 'gallery-not-sealed'
    })
  }
  if (passphrase.length < minPassphraseLength) throw new LikenessError('BadRequest', `A gallery passphrase needs at least ${minPassphraseLength} characters.`, { field: 'galleryPassphrase' })
  // scrypt before the transaction: the gallery lock is held for the sealing only.
  const key = DataKey.generate()
  const wrapping = await wrap(key, passphrase, row.id)
  const sealedNow = await server.transaction(async (client) => {
    await lockGallery(client)
    const now = oneRow((await client.query<GalleryKeyRow>(`${keySelect} FOR UPDATE`)).rows)
    // Another desk sealed it meanwhile: its key is the gallery's, opened below with this passphrase.
    if (wrappedOf(now) || now.id !== row.id) return null
    const sealed = await sealPlainGallery(client, new SealedColumns(key))
    await client.query('UPDATE likeness.gallery SET key_salt = $1, key_log_n = $2, sealed_key = $3', [Buffer.from(wrapping.salt), wrapping.logN, Buffer.from(wrapping.sealed)])
    return sealed
  })
  if (sealedNow === null) return openGalleryKey(server, kept, passphrase)
  return opened(key, true, sealedNow)
}

const keptSchema = z.object({ galleryId: z.string(), key: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/) }).strict()

/** The name the kept key is sealed with under the data key. */
const keptContext = 'shared/gallery-key'

/**
 * The gallery key as this desk keeps it, in its shared folder beside the mirror: sealed under the
 * desk's data key, so it is as safe as the desk's own faces, and with the gallery it opens (a desk
 * moved to another gallery asks for that one's passphrase).
 */
export class KeptGalleryKey {
  constructor(
    private readonly file: string,
    private readonly dataKey: DataKey
  ) {}

  /** The kept key, or null when there is none or it does not open (the desk then asks for the passphrase again). */
  async read(): Promise<HeldGalleryKey | null> {
    let bytes: Uint8Array
    try {
      bytes = new Uint8Array(await readFile(this.file))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
    try {
      const plain = this.dataKey.open(bytes, keptContext)
      const { galleryId, key } = keptSchema.parse(JSON.parse(new TextDecoder().decode(plain)))
      plain.fill(0)
      return { galleryId, key: DataKey.fromBytes(new Uint8Array(Buffer.from(key, 'base64'))) }
    } catch {
      return null
    }
  }

  async write({ galleryId, key }: HeldGalleryKey): Promise<void> {
    const raw = key.exportForWrapping()
    const plain = new TextEncoder().encode(JSON.stringify({ galleryId, key: Buffer.from(raw).toString('base64') }))
    raw.fill(0)
    await writeFileAtomic(this.file, this.dataKey.seal(plain, keptContext))
    plain.fill(0)
  }

  /** The desk leaves the gallery: the next time it joins, an admin types the passphrase again. */
  remove(): Promise<void> {
    return rm(this.file, { force: true })
  }
}
