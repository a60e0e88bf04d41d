import type { z } from 'zod'
import type { MethodName, Methods, ResponseOf } from '../../shared/contract'
import type { SystemInfo } from '../../shared/api/system'
import type { Store } from '../store'
import type { NewAuditEntry } from '../store/auditLog'

type Line = Omit<NewAuditEntry, 'by'>
type Recorder<M extends MethodName> = (request: z.output<Methods[M]['request']>, response: ResponseOf<M>) => Line

/**
 * What the audit log writes for each admin call that succeeded: ids, counts and setting values.
 * A name, a photo, a template or a passphrase never goes in (a rename records who, not the name).
 */
const recorders: { [M in MethodName]?: Recorder<M> } = {
  'face.enroll': (_, enrolled) => ({ action: 'enroll', personId: enrolled.person.id, detail: { templates: enrolled.templatesAdded } }),
  'face.addPhotos': (_, enrolled) => ({ action: 'add-photos', personId: enrolled.person.id, detail: { templates: enrolled.templatesAdded } }),
  'face.rename': ({ personId }) => ({ action: 'rename', personId }),
  'face.removePhoto': ({ photoId }, person) => ({ action: 'remove-photo', personId: person.id, detail: { photoId } }),
  'face.forget': ({ personId }, { receipt }) => ({ action: 'forget', personId, detail: { receipt: receipt.id, digest: receipt.digest, ...receipt.erased, checkInsKept: receipt.checkInsKept } }),
  'face.wipe': (_, wiped) => ({ action: 'wipe', detail: { ...wiped } }),
  'gallery.export': (_, file) => ({ action: 'export-gallery', detail: { bytes: file.byteLength } }),
  'gallery.import': (_, job) => ({ action: 'import-gallery', detail: { jobId: job.id } }),
  'privacy.exportPerson': ({ personId }, file) => ({ action: 'export-person', personId, detail: { bytes: file.byteLength } }),
  'settings.update': (change) => ({
    action: 'settings',
    detail: Object.fromEntries(Object.entries(change).map(([key, value]) => [key, typeof value === 'object' && value !== null ? JSON.stringify(value) : (value ?? 'none')]))
  }),
  'train.keep': ({ modelId }) => ({ action: 'train-keep', detail: { modelId } }),
  'train.revert': ({ modelId }) => ({ action: 'train-revert', detail: { modelId } }),
  'train.reencode': (_, job) => ({ action: 'reencode', detail: { jobId: job.id } }),
  // Where the gallery lives, not the connection string: it may carry a password. Whether a gallery passphrase was given, never it.
  'shared.connect': ({ move, galleryPassphrase }, job) => ({ action: 'shared-connect', detail: { move, galleryPassphrase: galleryPassphrase !== undefined, jobId: job.id } }),
  'shared.disconnect': ({ move }, job) => ({ action: 'shared-disconnect', detail: { move, jobId: job.id } }),
  'admin.setPin': ({ pin }) => ({ action: 'admin-pin', detail: { set: pin !== null } }),
  'admin.unlock': () => ({ action: 'admin-unlock' })
}

/** Writes the audit line of a call that succeeded, if it is an audited one. */
export function auditCall<M extends MethodName>(store: Store, by: SystemInfo['host'], method: M, request: z.output<Methods[M]['request']>, response: ResponseOf<M>): Promise<unknown> {
  const recorder = recorders[method] as Recorder<M> | undefined
  return recorder ? store.audit.append({ ...recorder(request, response), by }) : Promise.resolve()
}
