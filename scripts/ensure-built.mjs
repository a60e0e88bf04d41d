// `npm run cli` and `npm run serve` run the built bundles; rebuild first when any source is
// newer than the bundle, so the commands never run stale code.
import { execSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'

function newest(dir) {
  let latest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    // Compiled message functions and inlang's own state are written by the build itself: their sources are messages/.
    if (entry.isDirectory() && (entry.name === 'paraglide' || entry.name.startsWith('.'))) continue
    const full = path.join(dir, entry.name)
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs)
  }
  return latest
}

let built = 0
try {
  built = Math.min(statSync('out/main/cli.js').mtimeMs, statSync('out/renderer/index.html').mtimeMs)
} catch {
  built = 0
}
if (newest('src') > built) execSync('npx electron-vite build --logLevel warn', { stdio: ['ignore', 'ignore', 'inherit'] })
