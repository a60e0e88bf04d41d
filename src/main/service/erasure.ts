import { createHash, randomUUID } from 'node:crypto'
import type { ErasureReceipt, WipeResult } from '../../shared/api/privacy'
import type { Store } from '../store'
import type { Faces } from './faces'

/**
 * The right to erasure (GDPR Art. 17): a person's templates, photos and check-in pictures go, and
 * so do the copies the store may hold elsewhere (a damaged-file backup that names them, the
 * temporary file of an interrupted write). The admin gets a receipt of what went; the audit log
 * keeps its digest, not the name.
 */
export async function forgetPerson(faces: Faces, store: Store, personId: string): Promise<{ removedTemplates: number; receipt: ErasureReceipt }> {
  const person = store.gallery.person(personId)
  const photos = store.gallery.photosOf(personId).length
  const checkIns = await store.checkIns.ofPerson(personId)
  const removedTemplates = await faces.forget(personId)
  const backups = await store.residue.removeBackups(personId)
  const temporary = await store.residue.removeStaleTemporaryFiles()
  const fields: Omit<ErasureReceipt, 'digest'> = {
    id: randomUUID(),
    personId,
    name: person.name,
    erasedAt: Date.now(),
    erased: { templates: removedTemplates, photos, checkInPictures: checkIns.filter((c) => c.hasThumbnail).length, backups: backups.length, temporaryFiles: temporary.length },
    checkInsKept: checkIns.length
  }
  return { removedTemplates, receipt: { ...fields, digest: createHash('sha256').update(JSON.stringify(fields)).digest('hex') } }
}

/** Erases the whole gallery, the attendance log with it, and every backup and temporary file. */
export async function wipeGallery(faces: Faces, store: Store): Promise<WipeResult> {
  const removedPeople = await faces.wipe()
  const backups = await store.residue.removeBackups()
  const temporary = await store.residue.removeStaleTemporaryFiles()
  return { removedPeople, backups: backups.length, temporaryFiles: temporary.length }
}
