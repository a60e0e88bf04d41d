import { z } from 'zod'
import { method } from '../method'

/** The fewest characters a passphrase may have: an export or a data folder sealed with it is only as strong. */
export const minPassphraseLength = 8

/** A passphrase the user types for an export or an import; never stored. */
export const passphrase = z.string().min(minPassphraseLength, `a passphrase of at least ${minPassphraseLength} characters`).max(1024)

/** The admin PIN: 4 to 12 digits, typed at a front-desk machine in kiosk mode. */
const pin = z.string().regex(/^\d{4,12}$/, 'a PIN of 4 to 12 digits')
const id = z.string().min(1).max(100)
const empty = z.object({}).strict()

/** What the audit log records: the admin actions on biometric data, and the daily retention. */
export const auditActions = [
  'enroll',
  'add-photos',
  'rename',
  'remove-photo',
  'forget',
  'wipe',
  'export-gallery',
  'import-gallery',
  'export-person',
  'settings',
  'train-keep',
  'train-revert',
  'reencode',
  'shared-connect',
  'shared-disconnect',
  'retention',
  'admin-pin',
  'admin-unlock',
  'admin-unlock-refused'
] as const
export type AuditAction = (typeof auditActions)[number]

/**
 * One line of the audit log: ids, counts and setting values, never a name, a face or a template.
 * Each line's hash covers the one before it, so a removed or edited line breaks the chain.
 */
export interface AuditEntry {
  seq: number
  /** ms since the epoch. */
  at: number
  action: AuditAction
  /** Which program did it: the desktop app, browser mode, the CLI, or the service on its own (retention). */
  by: 'electron' | 'browser' | 'cli' | 'service'
  personId?: string
  detail: Record<string, string | number | boolean>
  /** SHA-256 (hex) of the line before, and of this line with it. */
  previous: string
  hash: string
}

export interface AuditLogView {
  /** Newest last. */
  entries: AuditEntry[]
  /** Whether every line's hash and link to the one before hold. */
  intact: boolean
}

/** What erasing a person removed: handed to the admin, and its digest kept in the audit log. */
export interface ErasureReceipt {
  id: string
  personId: string
  name: string
  erasedAt: number
  erased: {
    templates: number
    photos: number
    /** Pictures kept with their check-ins. */
    checkInPictures: number
    /** Damaged-file backups that held their records. */
    backups: number
    /** Temporary files of interrupted writes. */
    temporaryFiles: number
  }
  /** Check-ins kept without pictures: attendance is the office's record, deleted by the retention setting. */
  checkInsKept: number
  /** SHA-256 (hex) over every field above; the audit log's forget line carries the same. */
  digest: string
}

/** What erasing the whole gallery removed besides people (their count is `removedPeople`). */
export interface WipeResult {
  removedPeople: number
  backups: number
  temporaryFiles: number
}

/** Whether admin views need the PIN now. */
export interface AdminStatus {
  kioskMode: boolean
  pinSet: boolean
  /** The PIN was entered and the admin has been active within the idle limit (always true outside kiosk mode). */
  unlocked: boolean
  /** After too many wrong PINs: ms until the next try is taken. */
  retryAfterMs: number
}

export const privacyMethods = {
  /**
   * Everything stored about one person (record, photos, templates, check-ins with their pictures,
   * the audit lines about them) as one JSON document, encrypted with a passphrase: what a subject
   * access request (GDPR Art. 15) is answered with.
   */
  'privacy.exportPerson': method<Uint8Array>()(z.object({ personId: id, passphrase }).strict()),
  /** The audit log, newest last; `last` keeps only that many lines. */
  'privacy.audit': method<AuditLogView>()(z.object({ last: z.number().int().min(1).max(100_000).optional() }).strict()),
  'admin.status': method<AdminStatus>()(empty),
  /** Opens the admin views until `admin.lock` or 5 idle minutes; a wrong PIN is WrongKey, and after 5 the next try waits. */
  'admin.unlock': method<AdminStatus>()(z.object({ pin }).strict()),
  'admin.lock': method<AdminStatus>()(empty),
  /** Sets, changes (with the current PIN) or removes (null; not in kiosk mode) the admin PIN. */
  'admin.setPin': method<AdminStatus>()(z.object({ pin: pin.nullable(), currentPin: pin.optional() }).strict())
}
