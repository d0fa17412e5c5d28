import path from 'node:path'
import envPaths from 'env-paths'

/** The app name Electron derives `userData` from (package.json `productName`). */
export const APP_NAME = 'Latchkey'

/** The file, inside the data folder, that holds account metadata (never a token). */
export const ACCOUNTS_FILE = 'accounts.json'

/**
 * The folder that holds Latchkey's data: `LATCHKEY_HOME` when set (tests, portable use), otherwise
 * the folder Electron's `app.getPath('userData')` gives for an app named Latchkey, so the desktop
 * app and the `latchkey` command line read and write the same `accounts.json`.
 *
 * Electron's userData is `<appData>/<name>`, where appData is `$XDG_CONFIG_HOME` (or `~/.config`)
 * on Linux, `~/Library/Application Support` on macOS and `%APPDATA%` on Windows. env-paths (with
 * no suffix) gives exactly that as `config` on Linux and `data` on macOS. On Windows it appends
 * `\Config` (and `\Data` under LOCALAPPDATA), folders Electron does not use, so there the folder is
 * the parent of env-paths' `config`: `%APPDATA%\Latchkey`.
 *
 * `env` decides only `LATCHKEY_HOME`: env-paths reads the platform variables (`XDG_CONFIG_HOME`,
 * `APPDATA`) from `process.env` itself.
 */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.LATCHKEY_HOME?.trim()
  if (home) return path.resolve(home)
  return electronUserDataDir()
}

/** Electron's `userData` for Latchkey on this platform, without `LATCHKEY_HOME`. */
export function electronUserDataDir(): string {
  const paths = envPaths(APP_NAME, { suffix: '' })
  switch (process.platform) {
    case 'darwin':
      return paths.data
    case 'win32':
      return path.dirname(paths.config)
    default:
      return paths.config
  }
}

export function accountsFilePath(dir: string): string {
  return path.join(dir, ACCOUNTS_FILE)
}
