import os from 'node:os'
import path from 'node:path'

/**
 * Where Likeness keeps its data when not inside Electron (browser mode, CLI): the same folder
 * Electron's `userData` names for an app called Likeness, so all three see one gallery.
 * LIKENESS_DATA_DIR overrides it everywhere.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.LIKENESS_DATA_DIR) return path.resolve(env.LIKENESS_DATA_DIR)
  const home = os.homedir()
  if (process.platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Likeness')
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Likeness')
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Likeness')
}
