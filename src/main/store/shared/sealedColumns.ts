import type pg from 'pg'
import { LikenessError } from '../../../shared/errors'
import type { DataKey } from '../crypto/dataKey'

/** The server's columns that hold biometrics: every value in them is sealed under the gallery key. */
export type SealedColumn = 'photos.photo' | 'photos.thumbnail' | 'templates.descriptor' | 'check_ins.thumbnail'

/**
 * A value's associated data names its table, column and row (`likeness.photos.photo:<id>`): a
 * ciphertext moved to another row or column on the server (by someone with the database, not the
 * key) no longer opens, so a face cannot be swapped onto another person's record unnoticed.
 */
const contextOf = (column: SealedColumn, rowId: string): string => `likeness.${column}:${rowId}`

/**
 * The biometric columns of a shared gallery as a desk writes and reads them: sealed on the way to
 * the server and opened on the way back, under the gallery key (galleryKey.ts), each value
 * "LKS1" | nonce | ciphertext | tag as the data folder's files are (DataKey).
 */
export class SealedColumns {
  constructor(private readonly key: DataKey) {}

  seal(column: SealedColumn, rowId: string, plaintext: Uint8Array): Buffer {
    const sealed = this.key.seal(plaintext, contextOf(column, rowId))
    return Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength)
  }

  /** The plaintext; StoreCorrupt when the value is plain, changed, sealed under another key, or belongs to another row. */
  open(column: SealedColumn, rowId: string, sealed: Uint8Array): Uint8Array {
    try {
      return this.key.open(sealed, contextOf(column, rowId))
    } catch (error) {
      if (!(error instanceof LikenessError)) throw error
      throw new LikenessError(
        'StoreCorrupt',
        `The shared gallery's likeness.${column} of row ${rowId} does not open under the gallery key: it was changed on the server, or moved there from another row.`,
        { problem: 'sealed-column', column, rowId }
      )
    }
  }
}

/** Rows sealed per statement when a plain gallery is sealed: a round trip each, and a bounded batch in memory. */
const batchRows = 200

/**
 * Seals every biometric value of a gallery written before it had a key, inside the caller's
 * transaction (which holds the gallery lock): a crash or a lost connection rolls it all back, so the
 * server holds either every value plain or every value sealed. Writers that do not take the gallery
 * lock (the check-in function) wait on the table locks until it commits. Returns how many values.
 */
export async function sealPlainGallery(client: pg.ClientBase, columns: SealedColumns): Promise<number> {
  await client.query('LOCK TABLE likeness.photos, likeness.templates, likeness.check_ins IN EXCLUSIVE MODE')
  let sealed = 0
  const tables: { table: string; values: { name: string; column: SealedColumn }[] }[] = [
    { table: 'photos', values: [{ name: 'photo', column: 'photos.photo' }, { name: 'thumbnail', column: 'photos.thumbnail' }] },
    { table: 'templates', values: [{ name: 'descriptor', column: 'templates.descriptor' }] },
    { table: 'check_ins', values: [{ name: 'thumbnail', column: 'check_ins.thumbnail' }] }
  ]
  for (const { table, values } of tables) {
    const ids = (await client.query<{ id: string }>(`SELECT id FROM likeness.${table} ORDER BY id`)).rows.map((r) => r.id)
    for (let start = 0; start < ids.length; start += batchRows) {
      const batch = ids.slice(start, start + batchRows)
      const rows = (await client.query<Record<string, Buffer | string | null>>(`SELECT id, ${values.map((v) => v.name).join(', ')} FROM likeness.${table} WHERE id = ANY($1)`, [batch])).rows
      for (const { name, column } of values) {
        const present = rows.filter((row) => row[name] !== null)
        await client.query(
          `UPDATE likeness.${table} AS t SET ${name} = v.sealed FROM unnest($1::text[], $2::bytea[]) AS v(id, sealed) WHERE t.id = v.id`,
          [present.map((row) => row.id as string), present.map((row) => columns.seal(column, row.id as string, row[name] as Buffer))]
        )
        sealed += present.length
      }
    }
  }
  return sealed
}
