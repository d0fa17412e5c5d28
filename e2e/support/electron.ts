import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

/**
 * Where an Electron binary is, without `require('electron')` (which would try to download one).
 * ELECTRON_OVERRIDE_DIST_PATH wins, as it does for the electron package itself.
 */
export function electronBinary(): string | null {
  const pkg = resolve(import.meta.dirname, '../../node_modules/electron')
  const pathFile = join(pkg, 'path.txt')
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron'
  const candidates = [
    process.env.ELECTRON_OVERRIDE_DIST_PATH && join(process.env.ELECTRON_OVERRIDE_DIST_PATH, name),
    join(pkg, 'dist', name),
  ]
  return candidates.find((p): p is string => !!p && existsSync(p)) ?? null
}

export const NO_ELECTRON = 'skipped: no Electron binary'
