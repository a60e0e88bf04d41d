import { _electron as electron, expect, test } from '@playwright/test'
import { existsSync, mkdtempSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'

// The Electron binary is downloaded by `npm install` on machines with a network; CI's sandbox
// has none, so this spec runs only where the binary exists.
function electronBinary(): string | undefined {
  try {
    const binary = createRequire(import.meta.url)('electron') as unknown
    return typeof binary === 'string' && existsSync(binary) ? binary : undefined
  } catch {
    return undefined
  }
}

const binary = electronBinary()

test('the desktop window opens the shell and reaches the engine', async () => {
  test.skip(!binary, 'No Electron binary on this machine (it could not be downloaded); the same renderer and service are covered in browser mode.')
  const app = await electron.launch({
    executablePath: binary,
    args: [path.resolve('out/main/index.js')],
    env: { ...process.env, LIKENESS_DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'likeness-electron-')) } as Record<string, string>
  })
  const window = await app.firstWindow()
  await window.getByRole('link', { name: 'Settings', exact: true }).click()
  await expect(window.getByTestId('backend')).toHaveText(/wasm|cpu|tensorflow/)
  expect(await window.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined')
  await app.close()
})
