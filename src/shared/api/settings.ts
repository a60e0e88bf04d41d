import { z } from 'zod'
import { method } from '../method'
import { defaultTau, detectors } from './face'
import { languageChoices } from '../languages'

export const settingsSchema = z
  .object({
    tau: z.number().positive().max(4),
    checkInIntervalMinutes: z.number().min(0).max(24 * 60),
    detector: z.enum(detectors),
    cameraId: z.string().max(500).nullable(),
    /** The window's language: 'system' follows the OS; `LIKENESS_LANG` overrides both (see system.language). */
    language: z.enum(languageChoices)
  })
  .strict()

export type Settings = z.infer<typeof settingsSchema>

export const defaultSettings: Settings = { tau: defaultTau, checkInIntervalMinutes: 60, detector: 'ssd', cameraId: null, language: 'system' }

export const settingsMethods = {
  'settings.get': method<Settings>()(z.object({}).strict()),
  'settings.update': method<Settings>()(settingsSchema.partial().strict())
}
