import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import { bridgeSocketPath, bridgeTokenParam, type BridgeMessage } from '../../shared/bridgeProtocol'
import { decodeWire, encodeWire } from '../../shared/wire'
import type { Service } from '../service'

export interface WebBridgeOptions {
  service: Service
  /** The built renderer (out/renderer). */
  rendererDir: string
  port?: number
  token?: string
}

export interface WebBridge {
  url: string
  port: number
  token: string
  close(): Promise<void>
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2'
}

/** The largest request the contract allows is a 60 MB photo; a message holds it and a little JSON. */
const maxMessageBytes = 64 * 1024 * 1024

function sameToken(given: string | null, token: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * Browser mode: the same renderer and the same service, with a WebSocket in place of Electron
 * IPC. Loopback only, and a random token in the URL: any page or process on the machine could
 * otherwise reach the gallery.
 */
export async function startWebBridge(options: WebBridgeOptions): Promise<WebBridge> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  const rendererDir = path.resolve(options.rendererDir)

  const server: Server = createServer((request, response) => {
    serveStatic(request, response, rendererDir, token).catch(() => {
      if (!response.headersSent) response.writeHead(500)
      response.end()
    })
  })

  const sockets = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes })
  server.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    if (url.pathname !== bridgeSocketPath || !sameToken(url.searchParams.get(bridgeTokenParam), token)) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n')
      socket.destroy()
      return
    }
    sockets.handleUpgrade(request, socket, head, (ws) => attach(ws, options.service))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}/?${bridgeTokenParam}=${token}`,
    port,
    token,
    close: async () => {
      for (const client of sockets.clients) client.terminate()
      sockets.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

function attach(ws: WebSocket, service: Service): void {
  const send = (message: BridgeMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(encodeWire(message))
  }
  const unsubscribe = service.subscribe((event) => send({ type: 'event', event }))
  ws.on('close', unsubscribe)
  ws.on('message', async (data, isBinary) => {
    let call: { id?: unknown; method?: unknown; request?: unknown }
    try {
      if (!isBinary) throw new SyntaxError('calls are binary messages')
      call = decodeWire(messageBytes(data)) as typeof call
      if (typeof call !== 'object' || call === null) throw new SyntaxError('not an object')
    } catch (error) {
      send({ type: 'result', id: -1, result: { ok: false, error: { kind: 'BadRequest', message: `Malformed message: ${(error as Error).message}` } } })
      return
    }
    const id = typeof call.id === 'number' ? call.id : -1
    send({ type: 'result', id, result: await service.handle(call.method, call.request) })
  })
}

function messageBytes(data: RawData): Uint8Array {
  const buffer = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? Buffer.from(data) : data
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
}

async function serveStatic(request: IncomingMessage, response: ServerResponse, root: string, token: string): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1')
  const isPage = url.pathname === '/' || url.pathname === '/index.html'
  if (isPage && !sameToken(url.searchParams.get(bridgeTokenParam), token)) {
    response.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' })
    response.end('Likeness: this address needs the token that `npm run serve` printed.')
    return
  }
  const relative = isPage ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '')
  const file = path.resolve(root, relative)
  if (!file.startsWith(root + path.sep)) {
    response.writeHead(403)
    response.end()
    return
  }
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file')
  } catch {
    response.writeHead(404)
    response.end()
    return
  }
  response.writeHead(200, {
    'content-type': contentTypes[path.extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff'
  })
  response.end(await readFile(file))
}
