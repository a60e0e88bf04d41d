import type { Page } from '@playwright/test'
import { spawn } from 'node:child_process'

/** The app's address in browser mode, token included, at a given view. */
export function appUrl(view = ''): string {
  return `/?token=${process.env.LIKENESS_E2E_TOKEN}${view ? `#/${view}` : ''}`
}

export async function openView(page: Page, view: string): Promise<void> {
  await page.goto(appUrl(view))
}

/** A browser-mode server of its own (the run's shared one aside), started as a user would with `env` set; its address with the token. */
export async function startServer(env: Record<string, string>): Promise<{ url: string; stop: () => void }> {
  const server = spawn(process.execPath, ['out/main/serve.js', '--port', '0'], { env: { ...process.env, LIKENESS_BACKEND: 'wasm', ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  const url = await new Promise<string>((resolve, reject) => {
    server.stdout.on('data', (chunk: Buffer) => {
      const served = /serving on (\S+)/.exec(String(chunk))
      if (served) resolve(served[1]!)
    })
    server.once('exit', (code) => reject(new Error(`serve exited with ${code}`)))
  })
  return { url, stop: () => void server.kill('SIGTERM') }
}
