import { ipcMain, type WebContents } from 'electron'
import { channels } from '../shared/channels'
import type { Service } from './service'

/** Binds the contract to Electron IPC. No logic: the service validates and answers. */
export function bindIpc(service: Service, target: () => WebContents | undefined): () => void {
  ipcMain.handle(channels.invoke, (_event, method: unknown, request: unknown) => service.handle(method, request))
  const unsubscribe = service.subscribe((event) => {
    const contents = target()
    if (contents && !contents.isDestroyed()) contents.send(channels.event, event)
  })
  return () => {
    ipcMain.removeHandler(channels.invoke)
    unsubscribe()
  }
}
