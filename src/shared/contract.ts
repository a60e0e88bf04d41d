import type { z } from 'zod'
import type { JobMethodSpec, MethodSpec } from './method'
import type { Result } from './result'
import type { JobEvent } from './jobs'
import { systemMethods } from './api/system'
import { settingsMethods } from './api/settings'
import { faceMethods } from './api/face'
import { checkinMethods } from './api/checkin'
import { exploreMethods } from './api/explore'
import { styleMethods } from './api/style'
import { trainMethods } from './api/train'
import { privacyMethods } from './api/privacy'
import { sharedMethods, type SharedStatusEvent } from './api/shared'

/** Every call the renderer (or the CLI, or the web bridge) can make of the main process. */
export const methods = {
  ...systemMethods,
  ...settingsMethods,
  ...faceMethods,
  ...checkinMethods,
  ...exploreMethods,
  ...styleMethods,
  ...trainMethods,
  ...sharedMethods,
  ...privacyMethods
}

export type Methods = typeof methods
export type MethodName = keyof Methods
export type RequestOf<M extends MethodName> = z.input<Methods[M]['request']>
export type ResponseOf<M extends MethodName> = Methods[M] extends MethodSpec<z.ZodType, infer R> ? R : never

/** The methods that start a job; a job's kind is the name of the method that started it. */
export type JobKind = { [M in MethodName]: Methods[M] extends JobMethodSpec<z.ZodType, unknown> ? M : never }[MethodName]
/** What a job of this kind ends with. */
export type JobResultOf<K extends JobKind> = Methods[K] extends JobMethodSpec<z.ZodType, infer R> ? R : never

/** Everything the main process pushes without being asked. */
export type AppEvent = JobEvent | SharedStatusEvent

/** What the preload script exposes as `window.api`, and the web bridge client imitates. */
export interface WindowApi {
  invoke<M extends MethodName>(method: M, request: RequestOf<M>): Promise<Result<ResponseOf<M>>>
  subscribe(listener: (event: AppEvent) => void): () => void
  host: 'electron' | 'browser'
}

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(methods, value)
}
