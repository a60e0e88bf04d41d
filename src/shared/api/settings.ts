import { z } from 'zod'
import { method } from '../method'
import { defaultTau, detectors } from './face'
import { languageChoices } from '../languages'
import { livenessModes } from './checkin'

export const settingsSchema = z
  .object({
    tau: z.number().positive().max(4),
    checkInIntervalMinutes: z.number().min(0).max(24 * 60),
    detector: z.enum(detectors),
    cameraId: z.string().max(500).nullable(),
    /** What a check-in needs besides a name (check-in's liveness setting). */
    liveness: z.enum(livenessModes),
    /**
     * What a verification needs: 'off' accepts a photo; 'passive' or 'blink' only a face at the
     * camera (face.verifyLive) judged live in that mode, as at check-in.
     */
    verifyLiveness: z.enum(livenessModes),
    /**
     * The passive networks' thresholds: a track is live to them when the medians of its scores
     * reach both. 0.5 refused none of the recorded live faces (bench:liveness).
     */
    passiveThresholds: z.object({ antispoof: z.number().min(0).max(1), liveness: z.number().min(0).max(1) }).strict(),
    /** The window's language: 'system' follows the OS; `LIKENESS_LANG` overrides both (see system.language). */
    language: z.enum(languageChoices),
    /** Check-ins and their pictures older than this many days are deleted, at start and once a day. */
    checkInRetentionDays: z.number().int().min(1).max(3650),
    /** A front-desk machine: Enroll, Gallery, Training lab and Settings ask for the admin PIN. */
    kioskMode: z.boolean(),
    /**
     * A style job also paints on the worker kept for live check-in while no camera view is open,
     * and gives it back at the next step when one opens: both cores for print sizes.
     */
    styleUsesBothWorkers: z.boolean()
  })
  .strict()

export type Settings = z.infer<typeof settingsSchema>

/**
 * 30 days of attendance: enough for a month's payroll or visitor questions, short enough that the
 * pictures of a face at the door do not pile up (GDPR Art. 5(1)(e): kept no longer than needed).
 */
const defaultRetentionDays = 30

export const defaultSettings: Settings = {
  tau: defaultTau,
  checkInIntervalMinutes: 60,
  detector: 'ssd',
  cameraId: null,
  liveness: 'blink',
  verifyLiveness: 'off',
  passiveThresholds: { antispoof: 0.5, liveness: 0.5 },
  language: 'system',
  checkInRetentionDays: defaultRetentionDays,
  kioskMode: false,
  styleUsesBothWorkers: true
}

export const settingsMethods = {
  'settings.get': method<Settings>()(z.object({}).strict()),
  'settings.update': method<Settings>()(settingsSchema.partial().strict())
}
