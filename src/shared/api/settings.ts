import { z } from 'zod'
import { method } from '../method'

export const detectors = ['ssd', 'tiny'] as const
export type Detector = (typeof detectors)[number]

/**
 * τ is a squared L2 distance: dlib's published 0.6 in plain L2 is 0.36 here, since the seed
 * defines d = ‖f(x1) − f(x2)‖².
 */
export const defaultTau = 0.36

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
