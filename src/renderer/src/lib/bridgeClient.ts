import type { AppEvent, WindowApi } from '../../../shared/contract'
import { bridgeSocketPath, bridgeTokenParam, type BridgeMessage } from '../../../shared/bridgeProtocol'
import type { Result } from '../../../shared/result'
import { decodeWire, encodeWire } from '../../../shared/wire'

/**
 * window.api for browser mode: the same calls and events as Electron's preload, carried over
 * the web bridge's WebSocket. The token comes from the page's URL.
 */
export function connectBridge(location: Location): WindowApi {
  const token = new URLSearchParams(location.search).get(bridgeTokenParam) ?? ''
  const socketUrl = `ws://${location.host}${bridgeSocketPath}?${bridgeTokenParam}=${encodeURIComponent(token)}`
  const pending = new Map<number, (result: Result<unknown>) => void>()
  const listeners = new Set<(event: AppEvent) => void>()
  let nextId = 1
  let socket: WebSocket
  let opened: Promise<WebSocket>

  const open = (): Promise<WebSocket> => {
    socket = new WebSocket(socketUrl)
    socket.binaryType = 'arraybuffer'
    socket.onmessage = (message) => {
      const data = decodeWire(new Uint8Array(message.data as ArrayBuffer)) as BridgeMessage
      if (data.type === 'event') for (const listener of listeners) listener(data.event)
      else pending.get(data.id)?.(data.result)
      if (data.type === 'result') pending.delete(data.id)
    }
    socket.onclose = () => {
      for (const [id, settle] of pending) {
        settle({ ok: false, error: { kind: 'Internal', message: 'The connection to Likeness was lost.', detail: { bridge: 'lost' } } })
        pending.delete(id)
      }
      opened = Promise.reject(new Error('closed'))
      opened.catch(() => undefined)
    }
    return new Promise((resolve, reject) => {
      socket.onopen = () => resolve(socket)
      socket.onerror = () => reject(new Error('Cannot reach Likeness: is `npm run serve` still running?'))
    })
  }
  opened = open()

  return {
    host: 'browser',
    async invoke(method, request) {
      let ws: WebSocket
      try {
        ws = await opened.catch(() => (opened = open()))
      } catch (error) {
        return { ok: false, error: { kind: 'Internal', message: (error as Error).message, detail: { bridge: 'unreachable' } } }
      }
      const id = nextId++
      return new Promise((resolve) => {
        pending.set(id, resolve as (result: Result<unknown>) => void)
        ws.send(encodeWire({ id, method, request }))
      })
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    }
  }
}
