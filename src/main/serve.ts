import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startWebBridge } from './bridge/webBridge'
import { defaultDataDir } from './dataDir'
import { keyProvidersFromEnv } from './dataKeys'
import { backendChoiceFromEnv } from './engine/backend'
import { Service } from './service'

// The engine worker's bundle sits next to each entry's bundle in out/main.
const workerScript = new URL('./worker.js', import.meta.url)

// Browser mode: `npm run serve [-- --port N]` serves the built renderer and the service on loopback.
const here = path.dirname(fileURLToPath(import.meta.url))
const portFlag = process.argv.indexOf('--port')
const port = portFlag >= 0 ? Number(process.argv[portFlag + 1]) : Number(process.env.LIKENESS_PORT ?? 0)

const dataDir = defaultDataDir()
const service = await Service.open({ dataDir, keys: keyProvidersFromEnv(dataDir, process.env, { createKeyFile: true }), workerScript, host: 'browser', backend: backendChoiceFromEnv(), databaseUrl: process.env.LIKENESS_DATABASE_URL, galleryPassphrase: process.env.LIKENESS_GALLERY_PASSPHRASE })
const bridge = await startWebBridge({ service, rendererDir: path.join(here, '../renderer'), port, token: process.env.LIKENESS_TOKEN })
console.log(`Likeness is serving on ${bridge.url}`)

async function stop(): Promise<void> {
  await bridge.close()
  await service.close()
  process.exit(0)
}
process.on('SIGINT', () => void stop())
process.on('SIGTERM', () => void stop())
