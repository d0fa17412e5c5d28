/**
 * Builds the renderer the way the app ships it (`electron-vite build`, from
 * electron.vite.config.ts), so the e2e suite and the bench test and measure the real bundle.
 * When main or preload do not build, falls back to building the renderer alone with the same
 * settings (e2e/renderer.vite.config.ts), and says so.
 */
import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'
import { build } from 'vite'

const ROOT = resolve(import.meta.dirname, '../..')

export async function buildRenderer(): Promise<'electron-vite' | 'renderer only'> {
  try {
    execFileSync(resolve(ROOT, 'node_modules/.bin/electron-vite'), ['build'], { cwd: ROOT, stdio: 'pipe' })
    return 'electron-vite'
  } catch (error) {
    const output = String((error as { stderr?: Buffer }).stderr ?? '').split('\n').slice(0, 5).join('\n')
    console.warn(`electron-vite build failed; building the renderer alone.\n${output}`)
    // The renderer config imports its plugin without an extension, which Vite's future loader warns about.
    process.env.VITE_CONFIG_NATIVE_IGNORE_WARNING = 'true'
    await build({ configFile: resolve(ROOT, 'e2e/renderer.vite.config.ts'), logLevel: 'warn' })
    return 'renderer only'
  }
}
