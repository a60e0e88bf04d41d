import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, writeFile } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { downloadModelFile, importModelFile, type DownloadProgress } from '../../../src/main/service/modelDownload'
import { LikenessError } from '../../../src/shared/errors'

/**
 * A weights server on 127.0.0.1 that honours Range requests, remembers what it was asked, and can
 * drop the connection part-way (a lost network) or stall (for a cancel). Nothing leaves the machine.
 */
function weightsServer(file: Buffer) {
  const seen: (string | undefined)[] = []
  let cutAfter: number | undefined
  let stall = false
  const server = http.createServer((request, response) => {
    seen.push(request.headers.range)
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '')
    const from = range ? Number(range[1]) : 0
    const body = file.subarray(from)
    response.writeHead(range ? 206 : 200, {
      'Content-Length': body.length,
      ...(range ? { 'Content-Range': `bytes ${from}-${file.length - 1}/${file.length}` } : {})
    })
    if (stall) {
      response.write(body.subarray(0, 1024))
      return
    }
    if (cutAfter !== undefined) {
      const cut = cutAfter
      cutAfter = undefined
      // FIN after the bytes, not RST: the client reads every byte sent, then sees the body end short.
      response.write(body.subarray(0, cut), () => response.socket?.end())
      return
    }
    response.end(body)
  })
  return {
    seen,
    cutNextAfter: (bytes: number) => (cutAfter = bytes),
    stallNext: (on: boolean) => (stall = on),
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/vgg19.h5`))),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

const md5 = (bytes: Buffer) => createHash('md5').update(bytes).digest('hex')

async function kindOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
    return 'resolved'
  } catch (error) {
    return error instanceof LikenessError ? error.kind : `untyped: ${String(error)}`
  }
}

describe('model download', () => {
  const weights = randomBytes(300_000)
  const server = weightsServer(weights)
  let url: string
  let dir: string
  const spec = () => ({ url, md5: md5(weights), bytes: weights.length })

  beforeAll(async () => {
    url = await server.listen()
    dir = await mkdtemp(path.join(os.tmpdir(), 'likeness-download-'))
  })
  afterAll(() => server.close())

  it('downloads, reports progress by bytes, verifies and moves the file into place', async () => {
    const destination = path.join(dir, 'a', 'models', 'vgg19.h5')
    const progress: DownloadProgress[] = []
    const installed = await downloadModelFile(spec(), destination, { onProgress: (p) => progress.push(p) })
    expect(installed).toEqual({ bytes: weights.length, md5: md5(weights) })
    expect(readFileSync(destination).equals(weights)).toBe(true)
    expect(existsSync(`${destination}.part`)).toBe(false)
    expect(progress.at(-1)).toEqual({ received: weights.length, total: weights.length })
    expect(progress.every((p, i) => i === 0 || p.received >= progress[i - 1]!.received)).toBe(true)
  })

  it('resumes a cut-off download from its partial file with a Range request', async () => {
    const destination = path.join(dir, 'b', 'vgg19.h5')
    server.cutNextAfter(120_000)
    expect(await kindOf(downloadModelFile(spec(), destination))).toBe('Internal')
    const partial = readFileSync(`${destination}.part`)
    expect(partial.length).toBeGreaterThan(0)
    expect(partial.length).toBeLessThan(weights.length)
    expect(partial.equals(weights.subarray(0, partial.length))).toBe(true)

    const progress: DownloadProgress[] = []
    await downloadModelFile(spec(), destination, { onProgress: (p) => progress.push(p) })
    expect(server.seen.at(-1)).toBe(`bytes=${partial.length}-`)
    expect(progress[0]!.received).toBe(partial.length)
    expect(readFileSync(destination).equals(weights)).toBe(true)
  })

  it('keeps the partial file when cancelled, so that the next start resumes', async () => {
    const destination = path.join(dir, 'c', 'vgg19.h5')
    const abort = new AbortController()
    server.stallNext(true)
    const download = downloadModelFile(spec(), destination, {
      signal: abort.signal,
      // Cancel once the first bytes had time to reach the partial file.
      onProgress: (p) => {
        if (p.received > 0) setTimeout(() => abort.abort(), 200)
      }
    })
    expect(await kindOf(download)).toBe('Cancelled')
    server.stallNext(false)
    expect(existsSync(`${destination}.part`)).toBe(true)
    await downloadModelFile(spec(), destination)
    expect(server.seen.at(-1)).toMatch(/^bytes=\d+-$/)
    expect(readFileSync(destination).equals(weights)).toBe(true)
  })

  it('removes a file whose checksum differs and says ChecksumMismatch', async () => {
    const destination = path.join(dir, 'd', 'vgg19.h5')
    expect(await kindOf(downloadModelFile({ ...spec(), md5: md5(Buffer.from('something else')) }, destination))).toBe('ChecksumMismatch')
    expect(existsSync(destination)).toBe(false)
    expect(existsSync(`${destination}.part`)).toBe(false)
  })

  it('imports a local copy after checking it, and refuses a wrong one', async () => {
    const source = path.join(dir, 'offline-copy.h5')
    await writeFile(source, weights)
    const destination = path.join(dir, 'e', 'vgg19.h5')
    expect(await importModelFile(source, destination, { md5: md5(weights), bytes: weights.length })).toEqual({ bytes: weights.length, md5: md5(weights) })
    expect(readFileSync(destination).equals(weights)).toBe(true)

    const wrong = path.join(dir, 'wrong.h5')
    await writeFile(wrong, weights.subarray(0, 1000))
    const other = path.join(dir, 'f', 'vgg19.h5')
    expect(await kindOf(importModelFile(wrong, other, { md5: md5(weights), bytes: weights.length }))).toBe('ChecksumMismatch')
    expect(existsSync(other)).toBe(false)
    expect(await kindOf(importModelFile(path.join(dir, 'missing.h5'), other, { md5: md5(weights), bytes: weights.length }))).toBe('NotFound')
  })
})
