import { _electron as electron, expect, test } from '@playwright/test'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'

// The Electron binary is downloaded by `npm install` on machines with a network; CI's sandbox
// has none, so this spec runs only where the binary exists. Its location is read from the
// package's path.txt rather than through require('electron'), which would try to download it.
function electronBinary(): string | undefined {
  const packageDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'))
  const pathFile = path.join(packageDir, 'path.txt')
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : 'electron')
  if (!existsSync(pathFile)) return undefined
  const binary = path.join(packageDir, 'dist', readFileSync(pathFile, 'utf8'))
  return existsSync(binary) ? binary : undefined
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
