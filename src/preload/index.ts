import { contextBridge, ipcRenderer } from 'electron'
import { channels } from '../shared/channels'
import type { AppEvent, WindowApi } from '../shared/contract'

// Exactly window.api: invoke a method of the contract, subscribe to events. Nothing else of
// Node or Electron reaches the page.
const api: WindowApi = {
  invoke: (method, request) => ipcRenderer.invoke(channels.invoke, method, request),
  subscribe: (listener) => {
    const forward = (_event: Electron.IpcRendererEvent, payload: AppEvent): void => listener(payload)
    ipcRenderer.on(channels.event, forward)
    return () => ipcRenderer.removeListener(channels.event, forward)
  },
  host: 'electron'
}

contextBridge.exposeInMainWorld('api', api)
