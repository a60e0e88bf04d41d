import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtemp } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import WebSocket from 'ws'
import { Service } from '../../../src/main/service'
import { startWebBridge, type WebBridge } from '../../../src/main/bridge/webBridge'
import { bridgeSocketPath, bridgeTokenParam, type BridgeMessage } from '../../../src/shared/bridgeProtocol'
import type { JobEvent } from '../../../src/shared/jobs'
import { decodeWire, encodeWire } from '../../../src/shared/wire'
import { demoPhoto } from '../../support/faceCrops'
import { keysOf } from '../../support/keys'

// The real service behind the real browser-mode bridge, a real socket: typed arrays in requests,
// responses and events cross it as binary and come back as the same typed arrays.
const workerScript = path.resolve('out/main/worker.js')

describe('the web bridge', () => {
  let service: Service
  let bridge: WebBridge
  let socket: WebSocket
  const results = new Map<number, (message: BridgeMessage) => void>()
  const events: JobEvent[] = []
  let nextId = 1

  function call(method: string, request: unknown): Promise<BridgeMessage> {
    const id = nextId++
    return new Promise((resolve) => {
      results.set(id, resolve)
      socket.send(encodeWire({ id, method, request }))
    })
  }

  beforeAll(async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'likeness-bridge-'))
    service = await Service.open({ dataDir, keys: keysOf(dataDir), workerScript, host: 'browser', backend: 'wasm', workers: 2 })
    bridge = await startWebBridge({ service, rendererDir: path.resolve('out/renderer') })
    socket = new WebSocket(`ws://127.0.0.1:${bridge.port}${bridgeSocketPath}?${bridgeTokenParam}=${bridge.token}`)
    socket.on('message', (data: Buffer) => {
      const message = decodeWire(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) as BridgeMessage
      if (message.type === 'event') {
        if (message.event.type === 'job') events.push(message.event)
      } else results.get(message.id)?.(message)
    })
    await new Promise((resolve) => socket.once('open', resolve))
  })
  afterAll(async () => {
    socket?.close()
    await bridge?.close()
    await service?.close()
  })

  it('carries a Float32Array there and back (the conv lab: a signal in, its convolution out)', async () => {
    const signal = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i / 4))
    const reply = await call('explore.convSignal', { signal, kernel: 'edge' })
    if (reply.type !== 'result' || !reply.result.ok) throw new Error(JSON.stringify(reply))
    const { output } = reply.result.value as { output: Float32Array }
    expect(output).toBeInstanceOf(Float32Array)
    expect(output.length).toBe(signal.length)
  })

  it('carries photo bytes in a request and bytes back in a response', async () => {
    const photo = await demoPhoto(2)
    const detected = await call('face.detect', { image: photo })
    expect(detected).toMatchObject({ type: 'result', result: { ok: true } })
    const samples = await call('explore.samples', {})
    if (samples.type !== 'result' || !samples.result.ok) throw new Error(JSON.stringify(samples))
    const [first] = samples.result.value as { name: string; bytes: Uint8Array }[]
    expect(first!.bytes).toBeInstanceOf(Uint8Array)
    expect([...first!.bytes.subarray(0, 2)]).toEqual([0xff, 0xd8])
  })

  it('carries a job progress preview (PNG bytes) in an event', async () => {
    const photo = await demoPhoto(2)
    const started = await call('style.start', {
      content: photo,
      styles: [{ image: photo, weight: 1 }],
      network: 'mobilenet',
      options: { size: 64, iterations: 2, multiScale: false, previewEvery: 1, padding: 8 }
    })
    if (started.type !== 'result' || !started.result.ok) throw new Error(JSON.stringify(started))
    const jobId = (started.result.value as { id: string }).id
    await expect.poll(() => events.some((e) => e.job.id === jobId && e.job.state === 'done'), { timeout: 60_000 }).toBe(true)
    const preview = events.find((e) => e.job.id === jobId && e.job.progress?.preview)?.job.progress?.preview
    expect(preview).toBeInstanceOf(Uint8Array)
    expect([...preview!.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47])
  })

  it('answers a text message or a malformed one as a bad request, and keeps serving', async () => {
    const answered = new Promise<BridgeMessage>((resolve) => results.set(-1, resolve))
    socket.send('{"id": 1, "method": "settings.get", "request": {}}')
    expect(await answered).toMatchObject({ type: 'result', id: -1, result: { ok: false, error: { kind: 'BadRequest' } } })
    expect(await call('settings.get', {})).toMatchObject({ type: 'result', result: { ok: true } })
  })
})
