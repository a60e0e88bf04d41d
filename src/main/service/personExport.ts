import type { AuditEntry } from '../../shared/api/privacy'
import { LikenessError } from '../../shared/errors'
import type { Store } from '../store'
import { isEnvelope, openWithPassphrase, sealWithPassphrase } from '../store/crypto/passphraseEnvelope'

const magic = new TextEncoder().encode('LKPERSON')

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64')

/** Everything Likeness stores about one person, as one JSON document (images as base64 JPEG). */
export interface PersonDocument {
  format: 1
  exportedAt: number
  person: { id: string; name: string; createdAt: number }
  photos: { id: string; createdAt: number; jpeg: string; faceJpeg: string }[]
  /** The 128 numbers the encoder made of each photo, and which encoder made them. */
  templates: { id: string; photoId: string; encoder: string; descriptor: number[] }[]
  checkIns: { id: string; at: number; distance: number; pictureJpeg: string | null }[]
  /** The audit log's lines about them. */
  audit: AuditEntry[]
}

/**
 * The right of access (GDPR Art. 15): what is stored about a person, in one file sealed with a
 * passphrase the admin types and hands over apart from it (`npm run cli -- person-open` opens it).
 */
export async function exportPerson(store: Store, personId: string, passphrase: string): Promise<Uint8Array> {
  const person = store.gallery.person(personId)
  const [stored] = await store.gallery.everything(personId)
  const createdAt = new Map(store.gallery.photosOf(personId).map((p) => [p.id, p.createdAt]))
  const document: PersonDocument = {
    format: 1,
    exportedAt: Date.now(),
    person: { id: person.id, name: person.name, createdAt: person.createdAt },
    photos: (stored?.templates ?? []).map((t) => ({ id: t.photoId, createdAt: createdAt.get(t.photoId) ?? 0, jpeg: base64(t.photo), faceJpeg: base64(t.thumbnail) })),
    templates: (stored?.templates ?? []).map((t) => ({ id: t.templateId, photoId: t.photoId, encoder: t.encoder, descriptor: [...t.descriptor] })),
    checkIns: await Promise.all(
      (await store.checkIns.ofPerson(personId)).map(async (c) => ({ id: c.id, at: c.at, distance: c.distance, pictureJpeg: c.hasThumbnail ? base64(await store.checkIns.thumbnail(c.id)) : null }))
    ),
    audit: (await store.audit.read()).entries.filter((entry) => entry.personId === personId)
  }
  return sealWithPassphrase(new TextEncoder().encode(JSON.stringify(document, null, 2)), passphrase, magic)
}

/** Opens a person's file; a wrong passphrase is WrongKey, a damaged file ChecksumMismatch. */
export async function openPersonFile(file: Uint8Array, passphrase: string): Promise<PersonDocument> {
  if (!isEnvelope(file, magic)) throw new LikenessError('Unsupported', 'That file is not a Likeness export of one person.')
  const opened = await openWithPassphrase(file, passphrase)
  if (!opened.ok) {
    if (opened.problem === 'wrong-passphrase') throw new LikenessError('WrongKey', 'That passphrase does not open the file.', { problem: opened.problem })
    throw new LikenessError(opened.problem === 'checksum' || opened.problem === 'truncated' ? 'ChecksumMismatch' : 'Unsupported', `The file cannot be opened: ${opened.problem}.`, { problem: opened.problem })
  }
  return JSON.parse(new TextDecoder().decode(opened.plaintext)) as PersonDocument
}
