/**
 * Builds the renderer once before the suite, so the browser driver always tests the current
 * source. (The Electron driver needs the whole app: `npx electron-vite build`, done here too
 * when an Electron binary is present.)
 */
import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'
import { build } from 'vite'
import { electronBinary } from './support/electron'

export default async function globalSetup(): Promise<void> {
  if (process.env.LATCHKEY_E2E_SKIP_BUILD === '1') return
  const root = resolve(import.meta.dirname, '..')
  // The renderer config imports its plugin without an extension, which Vite's future loader warns about.
  process.env.VITE_CONFIG_NATIVE_IGNORE_WARNING = 'true'
  if (electronBinary()) {
    execFileSync(resolve(root, 'node_modules/.bin/electron-vite'), ['build'], { cwd: root, stdio: 'inherit' })
    return
  }
  await build({ configFile: resolve(import.meta.dirname, 'renderer.vite.config.ts'), logLevel: 'warn' })
}
