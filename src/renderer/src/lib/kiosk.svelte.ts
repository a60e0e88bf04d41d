import { call } from './api'

/**
 * Whether the machine is a front-desk kiosk (Settings → Privacy). The shell then shows the
 * check-in view alone, full-window, with no way out but the admin PIN; the view shows a large
 * welcome instead of the day's log, which would tell every visitor who else came in.
 */
export const kiosk = $state<{ on: boolean }>({ on: false })

/** Asks the service again: kiosk mode is a setting, changed in Settings or by another client. */
export async function refreshKiosk(): Promise<void> {
  try {
    kiosk.on = (await call('admin.status', {})).kioskMode
  } catch {
    // The shell keeps its last answer; the views report their own errors.
  }
}
