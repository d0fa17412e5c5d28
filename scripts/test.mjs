#!/usr/bin/env node
// `npm test`: type-check, lint, build, unit and integration tests, end-to-end tests — in that
// order, stopping at the first failure. On Linux it runs inside a private D-Bus session with an
// unlocked gnome-keyring (scripts/with-keyring.sh), so the keychain tests meet a real Secret
// Service without touching the user's own keyring.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const bin = join(root, 'node_modules', '.bin')
const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ''}` }
const onPath = (command) =>
  (env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command)))

// --- what the system must provide ----------------------------------------------------------
const missing = []
const chromium = process.env.LATCHKEY_CHROMIUM ?? '/usr/bin/chromium'
if (!existsSync(chromium)) {
  missing.push(`Chromium for the end-to-end tests (Debian/Ubuntu: sudo apt-get install chromium; or set LATCHKEY_CHROMIUM to a Chromium binary)`)
}
const needsKeyring = process.platform === 'linux' && process.env.LATCHKEY_IN_TEST_KEYRING !== '1'
if (needsKeyring && !(onPath('dbus-run-session') && onPath('gnome-keyring-daemon'))) {
  missing.push('a Secret Service for the keychain tests (Debian/Ubuntu: sudo apt-get install dbus gnome-keyring libsecret-1-dev)')
}
if (missing.length > 0) {
  console.error(`npm test needs ${missing.join(', and ')}.`)
  process.exit(1)
}

// keytar is an optional dependency built from source on Linux: npm drops it quietly when
// libsecret's headers were missing at install time, and the keychain tests would then only say
// "keytar is not installed". Say what to do instead.
if (process.platform === 'linux' && process.env.LATCHKEY_IN_TEST_KEYRING !== '1') {
  const probe = spawnSync(process.execPath, ['-e', "require('keytar')"], { cwd: root, encoding: 'utf8' })
  if (probe.status !== 0) {
    const absent = /Cannot find module 'keytar'/.test(probe.stderr ?? '')
    const headers = spawnSync('pkg-config', ['--exists', 'libsecret-1']).status === 0
    const what = absent ? 'keytar, the keychain module, is not installed' : 'keytar, the keychain module, is installed but does not load'
    const todo = headers
      ? 'npm leaves it out when it cannot be built, which happens when npm install ran before libsecret-1-dev was installed: run npm install again now that libsecret-1-dev is installed'
      : 'it is built from source against libsecret: install libsecret-1-dev (Debian/Ubuntu: sudo apt-get install libsecret-1-dev), then run npm install again'
    console.error(`npm test needs the keychain: ${what}; ${todo}.`)
    process.exit(1)
  }
}

if (needsKeyring) {
  const run = spawnSync(join(root, 'scripts', 'with-keyring.sh'), [process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...env, LATCHKEY_IN_TEST_KEYRING: '1' },
  })
  process.exit(run.status ?? 1)
}

// --- the steps --------------------------------------------------------------------------------
const steps = [
  ['type-check (main, preload, CLI, tests)', 'tsc', ['--noEmit', '-p', 'tsconfig.node.json']],
  ['type-check (renderer)', 'vue-tsc', ['--noEmit', '-p', 'tsconfig.web.json']],
  ['type-check (renderer tests)', 'vue-tsc', ['--noEmit', '-p', 'tsconfig.web-tests.json']],
  ['lint (ESLint)', 'eslint', ['.']],
  ['lint (electronegativity)', process.execPath, [join(root, 'scripts', 'electronegativity.mjs')]],
  ['build', 'npm', ['run', '--silent', 'build']],
  ['unit and integration tests (Vitest)', 'vitest', ['run']],
  ['end-to-end tests (Playwright)', 'playwright', ['test']],
]

const testEnv = { ...env, LATCHKEY_REQUIRE_KEYCHAIN: process.platform === 'linux' ? '1' : '' }
for (const [title, command, args] of steps) {
  console.log(`\n▶ ${title}`)
  const started = Date.now()
  const run = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: testEnv })
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  if (run.status !== 0) {
    console.error(`\n✖ ${title} failed after ${seconds} s${run.error ? `: ${run.error.message}` : ''}.`)
    process.exit(run.status || 1)
  }
  console.log(`✔ ${title} (${seconds} s)`)
}
