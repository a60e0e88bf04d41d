import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, rename, rm, stat } from 'node:fs/promises'
import http from 'node:http'
import https from 'node:https'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { LikenessError } from '../../shared/errors'

/** What is fetched and how it is known to be right. Parameters, so that tests can serve their own file. */
export interface ModelFileSpec {
  url: string
  md5: string
  bytes: number
}

export interface DownloadProgress {
  received: number
  total: number
}

const maxRedirects = 5

/**
 * Fetches `spec.url` into `destination`. Bytes land in `destination + '.part'` first; a download
 * that was cut off (cancel, lost network, closed app) continues from that file with an HTTP Range
 * request. The whole file must match the MD5 before it is moved into place atomically; a mismatch
 * removes the partial file (its bytes cannot be trusted) and fails with ChecksumMismatch.
 */
export async function downloadModelFile(
  spec: ModelFileSpec,
  destination: string,
  options: { signal?: AbortSignal; onProgress?: (progress: DownloadProgress) => void } = {}
): Promise<{ bytes: number; md5: string }> {
  const partial = `${destination}.part`
  await mkdir(path.dirname(destination), { recursive: true })
  let have = await sizeOf(partial)
  // More than the file's size is not a prefix of it.
  if (have > spec.bytes) {
    await rm(partial, { force: true })
    have = 0
  }
  if (have < spec.bytes) await fetchInto(spec, partial, have, options)
  return installVerified(partial, destination, spec)
}

/** Copies a weights file the user already has (an offline machine) into place, verifying it on the way. */
export async function importModelFile(source: string, destination: string, spec: Omit<ModelFileSpec, 'url'>): Promise<{ bytes: number; md5: string }> {
  const size = await sizeOf(source)
  if (size === 0) throw new LikenessError('NotFound', `There is no file at ${source}.`, { path: source })
  const temporary = `${destination}.import`
  await mkdir(path.dirname(destination), { recursive: true })
  try {
    await pipeline(createReadStream(source), createWriteStream(temporary))
  } catch (error) {
    await rm(temporary, { force: true })
    throw new LikenessError('NotFound', `Cannot read ${source}: ${(error as Error).message}`, { path: source })
  }
  return installVerified(temporary, destination, spec)
}

async function installVerified(file: string, destination: string, spec: Omit<ModelFileSpec, 'url'>): Promise<{ bytes: number; md5: string }> {
  const bytes = await sizeOf(file)
  const md5 = await md5Of(file)
  if (md5 !== spec.md5.toLowerCase() || bytes !== spec.bytes) {
    await rm(file, { force: true })
    throw new LikenessError('ChecksumMismatch', 'The weights file is not the expected one (its checksum differs); it was removed.', {
      expectedMd5: spec.md5,
      md5,
      expectedBytes: spec.bytes,
      bytes
    })
  }
  await rename(file, destination)
  return { bytes, md5 }
}

async function fetchInto(
  spec: ModelFileSpec,
  partial: string,
  offset: number,
  options: { signal?: AbortSignal; onProgress?: (progress: DownloadProgress) => void },
  redirects = 0,
  url = spec.url
): Promise<void> {
  if (options.signal?.aborted) throw cancelled()
  const response = await request(url, offset, options.signal)
  const status = response.statusCode ?? 0
  if (status >= 300 && status < 400 && response.headers.location) {
    response.resume()
    if (redirects >= maxRedirects) throw new LikenessError('Internal', 'The download was redirected too many times.', { url })
    return fetchInto(spec, partial, offset, options, redirects + 1, new URL(response.headers.location, url).toString())
  }
  // 206: the server continues where the partial file stops. 200: it sends everything, so start over.
  const resumed = status === 206
  if (status !== 200 && !resumed) {
    response.resume()
    throw new LikenessError('Internal', `The download failed: the server answered ${status}.`, { url, status })
  }
  let received = resumed ? offset : 0
  options.onProgress?.({ received, total: spec.bytes })
  // Each chunk is written before the next is read: a cut or a cancel keeps every byte that
  // arrived, and the next attempt resumes after them.
  const file = await open(partial, resumed ? 'a' : 'w')
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      await file.write(chunk)
      received += chunk.length
      options.onProgress?.({ received, total: spec.bytes })
    }
  } catch (error) {
    if (options.signal?.aborted) throw cancelled()
    throw new LikenessError('Internal', `The download was interrupted: ${(error as Error).message}. Try again to resume it.`, { url })
  } finally {
    await file.close()
  }
}

function request(url: string, offset: number, signal?: AbortSignal): Promise<http.IncomingMessage> {
  const client = url.startsWith('https:') ? https : http
  return new Promise((resolve, reject) => {
    const headers = offset > 0 ? { Range: `bytes=${offset}-` } : undefined
    const outgoing = client.get(url, { headers, signal }, resolve)
    outgoing.on('error', (error) => {
      if (signal?.aborted) reject(cancelled())
      else reject(new LikenessError('Internal', `Cannot reach ${new URL(url).host}: ${error.message}`, { url }))
    })
  })
}

function cancelled(): LikenessError {
  return new LikenessError('Cancelled', 'The download was cancelled; starting it again resumes it.')
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size
  } catch {
    return 0
  }
}

async function md5Of(file: string): Promise<string> {
  const hash = createHash('md5')
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
