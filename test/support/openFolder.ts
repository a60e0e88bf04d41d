// A child process that opens a data folder as the CLI does (its key file beside the folder) and
// says when it starts and when it is done: the migration test kills it in between.
import { keyProvidersFromEnv } from '../../src/main/dataKeys'
import { Store } from '../../src/main/store'

const dataDir = process.argv[2]!
process.stdout.write('opening\n')
await Store.open(dataDir, keyProvidersFromEnv(dataDir, {}, { createKeyFile: true }))
process.stdout.write('opened\n')
