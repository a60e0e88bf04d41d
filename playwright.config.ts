import { defineConfig } from '@playwright/test'
import { mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

// One throw-away data folder and one token for the whole run; set before workers fork, so
// every test process sees the same ones.
process.env.LIKENESS_E2E_DATA ??= mkdtempSync(path.join(os.tmpdir(), 'likeness-e2e-'))
process.env.LIKENESS_E2E_TOKEN ??= `e2e-${process.pid}-${Date.now()}`
const port = Number(process.env.LIKENESS_E2E_PORT ?? 4873)

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

export default defineConfig({
  testDir: 'test/e2e',
  // Two cores and one engine: tests in parallel would only queue behind each other.
  workers: 1,
  timeout: 180_000,
  expect: { timeout: 60_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
    trace: 'retain-on-failure'
  },
  webServer: {
    command: `node out/main/serve.js --port ${port}`,
    url: `http://127.0.0.1:${port}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    env: {
      LIKENESS_DATA_DIR: process.env.LIKENESS_E2E_DATA,
      LIKENESS_TOKEN: process.env.LIKENESS_E2E_TOKEN,
      LIKENESS_BACKEND: process.env.LIKENESS_BACKEND ?? 'wasm'
    }
  }
})
