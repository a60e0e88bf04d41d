import { z } from 'zod'
import { method } from '../method'
import { defaultTau, detectors } from './face'

export const settingsSchema = z
  .object({
    tau: z.number().positive().max(4),
    checkInIntervalMinutes: z.number().min(0).max(24 * 60),
    detector: z.enum(detectors),
    cameraId: z.string().max(500).nullable()
  })
  .strict()

export type Settings = z.infer<typeof settingsSchema>

export const defaultSettings: Settings = { tau: defaultTau, checkInIntervalMinutes: 60, detector: 'ssd', cameraId: null }

export const settingsMethods = {
  'settings.get': method<Settings>()(z.object({}).strict()),
  'settings.update': method<Settings>()(settingsSchema.partial().strict())
}
