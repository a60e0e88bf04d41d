import { toErrorInfo } from '../shared/errors'
import { parseArgs } from './cli/args'
import { commands } from './cli/commands'
import { defaultDataDir } from './dataDir'
import { keyProvidersFromEnv } from './dataKeys'
import { backendChoiceFromEnv } from './engine/backend'
import { Service } from './service'

// The engine worker's bundle sits next to each entry's bundle in out/main.
const workerScript = new URL('./worker.js', import.meta.url)

// `npm run cli -- <command> [--json]`: the same service as the app, for batch work,
// evaluations and benchmarks. Exit code 0 on success, 1 on a typed error, 2 on usage.
const [name, ...rest] = process.argv.slice(2)
const command = name ? commands[name] : undefined
if (!command) {
  console.error('usage: npm run cli -- <command> [--json]\n')
  for (const c of Object.values(commands)) console.error(`  ${c.usage.padEnd(60)} ${c.summary}`)
  process.exit(name ? 2 : 0)
}

const json = rest.includes('--json')
const dataDir = defaultDataDir()

function printError(error: unknown): void {
  const info = toErrorInfo(error)
  if (json) console.log(JSON.stringify({ error: info }))
  else console.error(`${info.kind}: ${info.message}`)
}

let service: Service
try {
  service = await Service.open({ dataDir, keys: keyProvidersFromEnv(dataDir, process.env, { createKeyFile: true }), workerScript, host: 'cli', backend: backendChoiceFromEnv(), databaseUrl: process.env.LIKENESS_DATABASE_URL, galleryPassphrase: process.env.LIKENESS_GALLERY_PASSPHRASE })
} catch (error) {
  // A folder that does not unlock (no key here, a wrong passphrase) is a typed refusal like any other.
  printError(error)
  process.exit(1)
}
try {
  const output = await command.run(service, parseArgs(rest, command.booleanFlags), dataDir)
  console.log(json ? JSON.stringify(output.value) : output.text)
  process.exitCode = 0
} catch (error) {
  printError(error)
  process.exitCode = 1
} finally {
  await service.close()
}
