import { app, BrowserWindow, dialog, session, shell } from 'electron'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { bindIpc } from './ipc'
import { Service } from './service'
import { backendChoiceFromEnv } from './engine/backend'
import { keyProvidersFromEnv } from './dataKeys'
import type { KeyProvider } from './store/crypto/keyring'
import { osKeychainProvider, type OsKeychain } from './store/crypto/keyProviders'
import { osKeychain } from './keychain'

// The engine worker's bundle sits next to each entry's bundle in out/main.
const workerScript = new URL('./worker.js', import.meta.url)

const here = path.dirname(fileURLToPath(import.meta.url))

// Two windows on one webcam and one data folder would fight: the second launch focuses the first.
if (!app.requestSingleInstanceLock()) app.quit()

let mainWindow: BrowserWindow | undefined

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    title: 'Likeness',
    icon: path.join(here, '../../resources/icon.png'),
    show: false,
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true
    }
  })
  window.once('ready-to-show', () => window.show())
  // The app never navigates and never opens windows; links to the web go to the user's browser.
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url)
    return { action: 'deny' }
  })
  window.webContents.on('will-navigate', (event) => event.preventDefault())
  if (process.env.ELECTRON_RENDERER_URL) void window.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void window.loadFile(path.join(here, '../renderer/index.html'))
  return window
}

app.on('second-instance', () => {
  if (!mainWindow) return
  if (mainWindow.isMinimized()) mainWindow.restore()
  mainWindow.focus()
})

/**
 * The data key is wrapped by the OS keychain; without one (Linux with no keyring) the app keeps
 * the key the way the CLI does, in a key file outside the folder.
 */
function keyProviders(dataDir: string, keychain: OsKeychain | undefined): KeyProvider[] {
  if (!keychain) return keyProvidersFromEnv(dataDir, process.env, { createKeyFile: true })
  return [osKeychainProvider(keychain), ...keyProvidersFromEnv(dataDir, process.env, { createKeyFile: false })]
}

app.whenReady().then(async () => {
  // Camera for check-in; nothing else (no geolocation, notifications, MIDI…).
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(permission === 'media'))
  const dataDir = process.env.LIKENESS_DATA_DIR ?? app.getPath('userData')
  let service: Service
  try {
    const keychain = await osKeychain()
    service = await Service.open({ dataDir, keys: keyProviders(dataDir, keychain), workerScript, host: 'electron', backend: backendChoiceFromEnv(), databaseUrl: process.env.LIKENESS_DATABASE_URL, galleryPassphrase: process.env.LIKENESS_GALLERY_PASSPHRASE, secrets: keychain })
  } catch (error) {
    // A folder this login cannot unlock: say why and stop, rather than start on an empty gallery.
    dialog.showErrorBox('Likeness cannot open its data', (error as Error).message)
    app.exit(1)
    return
  }
  bindIpc(service, () => mainWindow?.webContents)
  mainWindow = createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow()
  })
  app.on('before-quit', () => void service.close())
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
