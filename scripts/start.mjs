#!/usr/bin/env node
// `npm start`: builds the app and opens it in Electron. Where no Electron binary can be had (no
// network at install time, or a machine without a display server's libraries), it ends with one
// sentence that says so and how to point ELECTRON_OVERRIDE_DIST_PATH at an Electron.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, dirname, join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const require = createRequire(import.meta.url)
const env = { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}` }

const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit', env })
if (build.status !== 0) {
  console.error('Latchkey could not be built: the messages above say why.')
  process.exit(1)
}

const binary = findElectron() ?? downloadElectron()
if (!binary) {
  console.error(
    'Latchkey is built, but no Electron binary is available here to open it (it could not be downloaded): ' +
      'set ELECTRON_OVERRIDE_DIST_PATH to the folder of an Electron ' +
      require('electron/package.json').version +
      ' and run npm start again — meanwhile the command line works: npx latchkey --help.',
  )
  process.exit(1)
}
const child = spawn(binary, [root], { stdio: 'inherit', env })
child.on('exit', (code) => process.exit(code ?? 0))

/** Where the electron package would run its binary from, without letting it start a download. */
function findElectron() {
  const packageDir = dirname(require.resolve('electron/package.json'))
  const pathFile = join(packageDir, 'path.txt')
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron'
  const candidates = process.env.ELECTRON_OVERRIDE_DIST_PATH
    ? [join(process.env.ELECTRON_OVERRIDE_DIST_PATH, relative), join(process.env.ELECTRON_OVERRIDE_DIST_PATH, 'electron')]
    : [join(packageDir, 'dist', relative)]
  return candidates.find((file) => existsSync(file))
}

/** The electron package downloads its binary on first use; try that once, quietly. */
function downloadElectron() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return undefined
  const installer = join(dirname(require.resolve('electron/package.json')), 'install.js')
  if (!existsSync(installer)) return undefined
  console.log('Fetching the Electron binary (first start only)…')
  const run = spawnSync(process.execPath, [installer], { stdio: 'ignore', env, timeout: 120_000 })
  return run.status === 0 ? findElectron() : undefined
}
