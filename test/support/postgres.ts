import { execFile, spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

/**
 * A real PostgreSQL server for the tests: a private cluster (initdb in a temporary folder,
 * pg_ctl on a free loopback port), one per test file, stopped and deleted at the end. CI
 * installs Debian's `postgresql` (.ci/run); where its binaries are absent the tests skip.
 */

const run = promisify(execFile)

/** Debian keeps the server binaries off PATH, in /usr/lib/postgresql/<major>/bin. */
export function postgresBin(): string | undefined {
  if (process.env.LIKENESS_PG_BIN) return existsSync(path.join(process.env.LIKENESS_PG_BIN, 'pg_ctl')) ? process.env.LIKENESS_PG_BIN : undefined
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return undefined
  const majors = readdirSync(root)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a))
  return majors.map((major) => path.join(root, major, 'bin')).find((bin) => existsSync(path.join(bin, 'initdb')) && existsSync(path.join(bin, 'pg_ctl')))
}

export const postgresMissing = postgresBin() === undefined
/** The TLS test makes its certificates with openssl. */
export const opensslMissing = spawnSync('openssl', ['version']).status !== 0
export const skipWithoutPostgres = postgresMissing ? 'PostgreSQL server binaries not found (Debian: apt-get install postgresql); skipping the shared-gallery tests' : ''

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

/** A throw-away certificate authority and a server certificate for 127.0.0.1 it signed (openssl, EC keys: quick to make). */
async function makeCertificates(folder: string): Promise<{ ca: string; otherCa: string; cert: string; key: string }> {
  const file = (name: string): string => path.join(folder, name)
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  await run('openssl', ['req', '-x509', ...ecKey, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=Likeness test CA'])
  await run('openssl', ['req', '-x509', ...ecKey, '-keyout', file('other-ca.key'), '-out', file('other-ca.pem'), '-days', '2', '-subj', '/CN=Another CA'])
  await run('openssl', ['req', ...ecKey, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1'])
  await writeFile(file('san.ext'), 'subjectAltName=IP:127.0.0.1\n')
  await run('openssl', ['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('server.crt'), '-days', '2', '-extfile', file('san.ext')])
  await chmod(file('server.key'), 0o600)
  return { ca: file('ca.pem'), otherCa: file('other-ca.pem'), cert: file('server.crt'), key: file('server.key') }
}

export interface TestServer {
  /** A connection string to a fresh database on the server. */
  database(name: string): Promise<string>
  /** Stops the server (fast shutdown: open connections are cut, as in an outage). */
  stop(): Promise<void>
  start(): Promise<void>
  /** Stops the server and deletes its folder. */
  close(): Promise<void>
  port: number
  /** With `tls` (and openssl at hand): the CA that signed the server's certificate, and one that did not. */
  certificates?: { ca: string; otherCa: string }
}

/** PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user the Debian package creates. */
const asRoot = process.getuid?.() === 0

export async function startTestServer(options: { fsync?: boolean; tls?: boolean } = {}): Promise<TestServer> {
  const bin = postgresBin()
  if (!bin) throw new Error(skipWithoutPostgres)
  const folder = await mkdtemp(path.join(os.tmpdir(), 'likeness-pg-'))
  const dataDir = path.join(folder, 'data')
  const certificates = options.tls && !opensslMissing ? await makeCertificates(folder) : undefined
  if (asRoot) {
    const [uid, gid] = await Promise.all(['-u', '-g'].map(async (flag) => Number((await run('id', [flag, 'postgres'])).stdout.trim())))
    for (const file of [folder, ...(certificates ? [certificates.cert, certificates.key] : [])]) await chown(file, uid!, gid!)
  }
  const as = (command: string, args: string[]): Promise<{ stdout: string; stderr: string }> =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, command), ...args]) : run(path.join(bin, command), args)
  await as('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-locale', '--no-sync'])
  const port = await freePort()
  const settings = [`-p ${port}`, `-k ${folder}`, "-c listen_addresses='127.0.0.1'", `-c fsync=${options.fsync === false ? 'off' : 'on'}`, '-c max_connections=200']
  if (certificates) settings.push('-c ssl=on', `-c ssl_cert_file=${certificates.cert}`, `-c ssl_key_file=${certificates.key}`)
  const start = async (): Promise<void> => {
    await as('pg_ctl', ['-D', dataDir, '-l', path.join(folder, 'server.log'), '-o', settings.join(' '), '-w', '-t', '60', 'start'])
  }
  const stop = async (): Promise<void> => {
    await as('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop'])
  }
  await start()
  const base = `postgres://postgres@127.0.0.1:${port}`
  let running = true
  return {
    port,
    certificates,
    async database(name) {
      await as('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', name])
      return `${base}/${name}`
    },
    async stop() {
      await stop()
      running = false
    },
    async start() {
      await start()
      running = true
    },
    async close() {
      if (running) await stop().catch(() => undefined)
      running = false
      await rm(folder, { recursive: true, force: true })
    }
  }
}
