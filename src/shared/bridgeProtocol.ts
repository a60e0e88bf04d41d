import type { MethodName } from './contract'
import type { AppEvent } from './contract'
import type { Result } from './result'

/** Messages over the browser-mode WebSocket; encoded with wire.ts. */
export interface BridgeCall {
  id: number
  method: MethodName
  request: unknown
}

export type BridgeMessage = { type: 'result'; id: number; result: Result<unknown> } | { type: 'event'; event: AppEvent }

/** The URL parameter and WebSocket sub-path that carry the session token. */
export const bridgeTokenParam = 'token'
export const bridgeSocketPath = '/bridge'
