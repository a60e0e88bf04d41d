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
     * The passive networks' thresholds: a track is live to them when the medians of its scores
     * reach both. 0.5 refused none of the recorded live faces (bench:liveness).
     */
    passiveThresholds: z.object({ antispoof: z.number().min(0).max(1), liveness: z.number().min(0).max(1) }).strict(),
    /** The window's language: 'system' follows the OS; `LIKENESS_LANG` overrides both (see system.language). */
    language: z.enum(languageChoices)
  })
  .strict()

export type Settings = z.infer<typeof settingsSchema>

export const defaultSettings: Settings = {
  tau: defaultTau,
  checkInIntervalMinutes: 60,
  detector: 'ssd',
  cameraId: null,
  liveness: 'blink',
  passiveThresholds: { antispoof: 0.5, liveness: 0.5 },
  language: 'system'
}

export const settingsMethods = {
  'settings.get': method<Settings>()(z.object({}).strict()),
  'settings.update': method<Settings>()(settingsSchema.partial().strict())
}
