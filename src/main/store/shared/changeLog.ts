import type pg from 'pg'
import { LikenessError } from '../../../shared/errors'
import { descriptorDimension } from '../../../shared/api/face'
import { changeChannel } from './server'
import { galleryLock } from './schema'
import { sharedPhotoFile, type GalleryHeader, type MirrorUpdate, type PersonState } from './mirror'
import type { SealedColumns } from './sealedColumns'

/** ms since the epoch, from a timestamptz, exactly (extract gives numeric). */
export const epochMs = (column: string): string => `(extract(epoch FROM ${column}) * 1000)::float8`

/** One change a writer records: a person's state changed (any of name, photos, templates, or gone), the gallery was wiped, or the shared settings changed. */
export type GalleryChangeRecord = { kind: 'person'; personId: string } | { kind: 'wipe' } | { kind: 'settings' }

/** Every gallery write begins here: writers take turns, so change ids are drawn in commit order. */
export async function lockGallery(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1, $2)', [...galleryLock])
}

/** Records what the transaction changed and announces it; the announcement goes out when it commits. */
export async function recordChanges(client: pg.ClientBase, changes: readonly GalleryChangeRecord[]): Promise<void> {
  if (changes.length === 0) return
  await client.query(
    `INSERT INTO likeness.gallery_changes (id, kind, person_id)
     SELECT nextval('likeness.gallery_change_ids'), kind, person_id FROM unnest($1::text[], $2::text[]) AS change(kind, person_id)`,
    [changes.map((c) => c.kind), changes.map((c) => (c.kind === 'person' ? c.personId : null))]
  )
  await client.query('SELECT pg_notify($1, $2)', [changeChannel, ''])
}

async function readHeader(client: pg.ClientBase): Promise<GalleryHeader> {
  const [row] = (await client.query<{ id: string; encoder: string; dimension: number; tau: number; interval: number }>(
    'SELECT id, encoder, dimension, tau, check_in_interval_minutes AS interval FROM likeness.gallery'
  )).rows
  if (!row) throw new LikenessError('StoreCorrupt', 'The shared gallery has no gallery record: its schema was set up incompletely.')
  if (row.dimension !== descriptorDimension) throw new LikenessError('Unsupported', `The shared gallery holds ${row.dimension}-value templates; this Likeness makes ${descriptorDimension}.`)
  return { galleryId: row.id, encoder: row.encoder, settings: { tau: row.tau, checkInIntervalMinutes: row.interval } }
}

/** A template's bytes as float32, little-endian as every platform Electron ships on (one copy: bytea buffers and opened values are not aligned). */
export function descriptorOf(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength !== descriptorDimension * 4) throw new LikenessError('StoreCorrupt', `A shared template of ${bytes.byteLength} bytes; this Likeness makes ${descriptorDimension * 4}.`)
  return new Float32Array(Uint8Array.prototype.slice.call(bytes).buffer)
}

/** The current state of these people (all of them when `personIds` is null); people not found are gone. */
async function readPeople(client: pg.ClientBase, personIds: readonly string[] | null, columns: SealedColumns): Promise<Map<string, PersonState | null>> {
  const where = personIds ? 'WHERE person_id = ANY($1)' : ''
  const values = personIds ? [personIds] : []
  const people = await client.query<{ id: string; name: string; created_at: number }>(
    `SELECT id, name, ${epochMs('created_at')} AS created_at FROM likeness.people ${personIds ? 'WHERE id = ANY($1)' : ''} ORDER BY created_at, id`,
    values
  )
  const photos = await client.query<{ id: string; person_id: string; created_at: number }>(
    `SELECT id, person_id, ${epochMs('created_at')} AS created_at FROM likeness.photos ${where} ORDER BY created_at, id`,
    values
  )
  const templates = await client.query<{ id: string; person_id: string; photo_id: string | null; encoder: string; descriptor: Buffer }>(
    `SELECT id, person_id, photo_id, encoder, descriptor FROM likeness.templates ${where}`,
    values
  )
  const states = new Map<string, PersonState | null>((personIds ?? []).map((id) => [id, null]))
  for (const p of people.rows) states.set(p.id, { person: { id: p.id, name: p.name, createdAt: p.created_at }, photos: [], templates: [] })
  for (const p of photos.rows) states.get(p.person_id)?.photos.push({ id: p.id, personId: p.person_id, file: sharedPhotoFile(p.id), createdAt: p.created_at })
  for (const t of templates.rows) {
    states.get(t.person_id)?.templates.push({ record: { id: t.id, personId: t.person_id, photoId: t.photo_id, encoder: t.encoder }, descriptor: descriptorOf(columns.open('templates.descriptor', t.id, t.descriptor)) })
  }
  return states
}

/**
 * What a desk must apply to be current: everything (a new desk, or another gallery), or the people
 * changed after `cursor`, read in one snapshot with the changes, so the state and the new cursor
 * agree exactly.
 */
export async function readUpdate(client: pg.ClientBase, galleryId: string | null, cursor: number, columns: SealedColumns): Promise<MirrorUpdate> {
  const header = await readHeader(client)
  if (galleryId !== header.galleryId) {
    const [last] = (await client.query<{ id: string | null }>('SELECT max(id) AS id FROM likeness.gallery_changes')).rows
    const people = await readPeople(client, null, columns)
    return { kind: 'full', header, cursor: Number(last?.id ?? 0), people: [...people.values()].filter((p) => p !== null) }
  }
  const changes = (await client.query<{ id: string; kind: GalleryChangeRecord['kind']; person_id: string | null }>(
    'SELECT id, kind, person_id FROM likeness.gallery_changes WHERE id > $1 ORDER BY id',
    [cursor]
  )).rows
  const lastWipe = changes.findLastIndex((c) => c.kind === 'wipe')
  const personIds = [...new Set(changes.slice(lastWipe + 1).flatMap((c) => (c.kind === 'person' && c.person_id ? [c.person_id] : [])))]
  return {
    kind: 'changes',
    header,
    cursor: changes.length > 0 ? Number(changes.at(-1)!.id) : cursor,
    count: changes.length,
    wiped: lastWipe >= 0,
    people: personIds.length > 0 ? await readPeople(client, personIds, columns) : new Map()
  }
}
