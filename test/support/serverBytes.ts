import pg from 'pg'
import { containsAnyWindow, imageSignatures, looksRandom } from './bytes'

/**
 * What a shared gallery's server holds, read with a client of its own, as someone with the
 * database (a dump, its disk, a DBA) would: the tests of the sealed columns look at these bytes.
 */

export async function asAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(url)
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** Every bytea value in the likeness schema, by table.column:id. */
export function serverBytes(url: string): Promise<Map<string, Uint8Array>> {
  return asAdmin(url, async (client) => {
    const columns = (
      await client.query<{ table_name: string; column_name: string }>(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'likeness' AND data_type = 'bytea' ORDER BY table_name, column_name"
      )
    ).rows
    const values = new Map<string, Uint8Array>()
    for (const { table_name: table, column_name: column } of columns) {
      for (const row of (await client.query<{ id: string; value: Buffer | null }>(`SELECT id::text AS id, ${column} AS value FROM likeness.${table}`)).rows) {
        if (row.value) values.set(`${table}.${column}:${row.id}`, new Uint8Array(row.value))
      }
    }
    return values
  })
}

/** Every row of every likeness table, as text: what "the server changed" compares. */
export function serverState(url: string): Promise<string> {
  return asAdmin(url, async (client) => {
    const tables = (await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'likeness' ORDER BY table_name")).rows
    const rows: string[] = []
    for (const { table_name: table } of tables) {
      rows.push(...(await client.query<{ row: string }>(`SELECT to_jsonb(t)::text AS row FROM likeness.${table} t ORDER BY 1`)).rows.map((r) => `${table} ${r.row}`))
    }
    return rows.join('\n')
  })
}

const float32Bytes = (v: Float32Array): Uint8Array => new Uint8Array(v.buffer, v.byteOffset, v.byteLength)

/**
 * Why these server values could show a face, one sentence each (none: the test passes): an image
 * signature anywhere, a 16-byte piece of a known template, a biometric value that is not a sealed
 * blob ("LKS1" | nonce | ciphertext | tag), or bytes that do not read as random (float32 rows and
 * image data do not). The wrapped gallery key (likeness.gallery) is looked at for signatures only.
 */
export function faceLeaks(values: Map<string, Uint8Array>, templates: readonly Float32Array[] = []): string[] {
  const leaks: string[] = []
  const biometric = [...values].filter(([name]) => !name.startsWith('gallery.'))
  if (biometric.length === 0) leaks.push('no biometric values at all: nothing was looked at')
  for (const [name, bytes] of values) {
    for (const signature of imageSignatures(bytes)) leaks.push(`${name} holds a ${signature} signature`)
    if (templates.some((template) => containsAnyWindow(bytes, float32Bytes(template), 16))) leaks.push(`${name} holds a piece of a template`)
  }
  for (const [name, bytes] of biometric) {
    if (new TextDecoder().decode(bytes.subarray(0, 4)) !== 'LKS1') leaks.push(`${name} is not a sealed blob`)
    else if (bytes.byteLength >= 1024 && !looksRandom(bytes)) leaks.push(`${name} does not read as random bytes`)
  }
  // The templates (544 bytes each) together, magic aside: float32 rows would read far from random.
  const descriptors = biometric.filter(([name]) => name.startsWith('templates.')).map(([, bytes]) => bytes.subarray(4))
  const joined = Buffer.concat(descriptors)
  if (joined.byteLength >= 1024 && !looksRandom(joined)) leaks.push('the templates together do not read as random bytes')
  return leaks
}
