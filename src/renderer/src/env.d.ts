/// <reference types="svelte" />
/// <reference types="vite/client" />
import type { WindowApi } from '../../shared/contract'

declare global {
  interface Window {
    /** Present inside Electron (the preload); absent in browser mode, where lib/api.ts uses the bridge. */
    api?: WindowApi
  }
}
