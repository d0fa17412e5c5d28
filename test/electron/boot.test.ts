// The Electron shell cannot run here (no Electron binary), so this starts the BUILT bundle,
// out/main/index.js, in plain Node with a stand-in `electron` module (a loader hook, in a child
// process so the hook stays there) and checks what a person's first start depends on. It catches
// what only the bundle can get wrong: an import that does not resolve, a native module pulled in,
// an ESM/CJS slip. `npm test` builds before it tests.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CALL_NAMES, ipcChannel } from '../../src/shared/channels'

const ROOT = resolve(import.meta.dirname, '../..')
const INDEX = join(ROOT, 'out/main/index.js')
const CHILD = join(import.meta.dirname, 'boot-child.mjs')

const link = (n: number) =>
  `latchkey://login?${new URLSearchParams({ hs: 'https://matrix.example.org', token: `code-${n}`, user: '@alice:example.org' })}`

interface BootReport {
  steps: string[]
  privilegedSchemes: { scheme: string; privileges: Record<string, boolean> }[]
  errorBoxes: unknown[]
  windowCount: number
  sandboxEnabled: boolean
  webPreferences: Record<string, unknown>
  loadedUrls: string[]
  permissionHandlers: string[]
  bundle: { scheme: string; handled: string[]; index: { status: number; csp: string | null; body: string }; outside: number }
  channels: Record<string, { stranger: string; subframe: string }>
  ownListAccounts: { ok: boolean; value?: { accounts: unknown[] } }
  windowOpen: { action: string }
  navigationPrevented: boolean
  linkAtLaunch: unknown[]
  secondInstance: { focus: number; restore: number; windows: number }
  openUrlPrevented: boolean
  linksSent: unknown[]
  quitCalls: number
  windowAfterReadyMs: number
  importMs: number
  keychainAnsweredBeforeWindow?: boolean
  earlyCallBeforeKeychain?: boolean
  earlyListAccounts: { ok: boolean; value?: { accounts: unknown[] } }
  earlyAnsweredAfterKeychainMs?: number
  reopened: { windows: number; quitAsked: number; newWindowHeard: boolean; oldWindowHeard: boolean; linksToNew: unknown[] }
}

const dirs: string[] = []
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

/** Starts the bundle in a child process; resolves with its report once the child has ended by itself. */
async function boot(env: Record<string, string> = {}): Promise<{ report: BootReport; exitMs: number; code: number | null }> {
  if (!existsSync(INDEX)) throw new Error('out/main/index.js is missing: run `npm run build` first (npm test builds before it tests).')
  const home = await mkdtemp(join(tmpdir(), 'latchkey-boot-'))
  dirs.push(home)
  const child = spawn(process.execPath, [CHILD, '--some-chromium-flag', link(1)], {
    cwd: ROOT,
    env: {
      ...process.env,
      LATCHKEY_HOME: home,
      LATCHKEY_BOOT_INDEX: INDEX,
      LATCHKEY_BOOT_LINKS: JSON.stringify([link(1), link(2), link(3)]),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  let reportedAt = 0
  child.stdout.on('data', () => {
    if (!reportedAt && stdout.includes('BOOT-REPORT ')) reportedAt = Date.now()
  })
  const code = await new Promise<number | null>((done) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), 25_000)
    child.once('exit', (exitCode) => {
      clearTimeout(killer)
      done(exitCode)
    })
  })
  const line = stdout.split('\n').find((l) => l.startsWith('BOOT-REPORT '))
  if (!line) throw new Error(`the bundle did not start (exit ${code}):\n${stderr.slice(-3000)}`)
  return { report: JSON.parse(line.slice('BOOT-REPORT '.length)) as BootReport, exitMs: Date.now() - reportedAt, code }
}

describe('the built app, started with a stand-in Electron', () => {
  it('opens one hardened window on its own bundle, binds every call with its sender check, passes links on and quits cleanly', { timeout: 40_000 }, async () => {
    const { report, exitMs, code } = await boot()
    expect(report.errorBoxes).toEqual([])

    // One window, with the web preferences of the Electron security checklist.
    expect(report.windowCount).toBe(1)
    expect(report.sandboxEnabled).toBe(true)
    expect(report.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    })
    expect(existsSync(String(report.webPreferences.preload))).toBe(true)
    expect(report.permissionHandlers).toEqual(['check', 'device', 'headers', 'request'])
    expect(report.windowOpen).toEqual({ action: 'deny' })
    expect(report.navigationPrevented).toBe(true)

    // The bundle scheme: privileged before ready, serving index.html with the CSP, nothing outside.
    expect(report.privilegedSchemes).toEqual([{ scheme: 'latchkey-app', privileges: expect.objectContaining({ standard: true, secure: true }) }])
    expect(report.bundle.handled).toEqual(['latchkey-app'])
    expect(report.loadedUrls).toEqual(['latchkey-app://bundle/index.html'])
    expect(report.bundle.index.status).toBe(200)
    expect(report.bundle.index.body).toContain('<div id="app"></div>')
    expect(report.bundle.index.csp).toContain("script-src 'self'")
    expect(report.bundle.outside).toBe(404)

    // Every call of the contract, and nothing else, is bound; each refuses strangers and subframes.
    expect(Object.keys(report.channels).sort()).toEqual(CALL_NAMES.map(ipcChannel).sort())
    for (const [channel, answers] of Object.entries(report.channels)) {
      expect({ channel, ...answers }).toEqual({ channel, stranger: 'forbidden', subframe: 'forbidden' })
    }
    expect(report.ownListAccounts).toMatchObject({ ok: true, value: { accounts: [] } })

    // latchkey://login?… at launch, from a second instance, and by open-url reach the sign-in form
    // (the loginLink event); a second instance focuses the first window instead of opening one.
    expect(report.linkAtLaunch).toEqual([{ payload: link(1) }])
    expect(report.secondInstance).toEqual({ focus: 1, restore: 1, windows: 1 })
    expect(report.openUrlPrevented).toBe(true)
    expect(report.linksSent).toEqual([{ payload: link(1) }, { payload: link(2) }, { payload: link(3) }])

    // A window opened again (macOS: the Dock icon after closing it) is heard; the closed one is not,
    // and a link that came while no window was open reaches the new one.
    expect(report.reopened).toEqual({ windows: 1, quitAsked: 1, newWindowHeard: true, oldWindowHeard: false, linksToNew: [{ payload: link(1) }] })

    // Quitting closes the service first (the quit waits for it), then the process ends by itself.
    expect(report.quitCalls).toBe(3)
    expect(code).toBe(0)
    expect(exitMs).toBeLessThan(5000)
  })

  it('opens the window before a slow keychain has answered, and answers a call made meanwhile once the service is ready', { timeout: 40_000 }, async () => {
    const keychainMs = 1500
    const { report, code } = await boot({ LATCHKEY_STAND_IN_KEYCHAIN_MS: String(keychainMs) })
    expect(report.errorBoxes).toEqual([])
    expect(report.windowCount).toBe(1)
    // The window did not wait for the keychain probe (before this change it came ~1 s after ready with a 1 s keychain).
    expect(report.keychainAnsweredBeforeWindow).toBe(false)
    expect(report.windowAfterReadyMs).toBeLessThan(keychainMs / 3)
    // The page's first call came before the service was ready: it waited and was answered.
    expect(report.earlyCallBeforeKeychain).toBe(true)
    expect(report.earlyListAccounts).toMatchObject({ ok: true, value: { accounts: [] } })
    expect(report.earlyAnsweredAfterKeychainMs).toBeGreaterThanOrEqual(0)
    // The rest of the start is as usual, and the app still quits by itself.
    expect(report.ownListAccounts).toMatchObject({ ok: true })
    expect(report.linkAtLaunch).toEqual([{ payload: link(1) }])
    expect(code).toBe(0)
  })

  it('ignores a development URL when the app is packaged', { timeout: 40_000 }, async () => {
    const { report } = await boot({ LATCHKEY_STAND_IN_PACKAGED: '1', ELECTRON_RENDERER_URL: 'http://localhost:5173' })
    expect(report.loadedUrls).toEqual(['latchkey-app://bundle/index.html'])
  })

  it('loads the development server when it is not packaged', { timeout: 40_000 }, async () => {
    const { report } = await boot({ ELECTRON_RENDERER_URL: 'http://localhost:5173' })
    expect(report.loadedUrls).toEqual(['http://localhost:5173'])
  })
})
