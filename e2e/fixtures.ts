/**
 * The e2e fixtures: a test homeserver per test, and Latchkey instances driven either in Chromium
 * (the built renderer, `window.latchkey` bound to a real SessionService in this process) or as
 * the real Electron app. Specs see the same `Latchkey` either way.
 */
import { test as base, _electron, expect, type Browser, type BrowserContext, type Page } from '@playwright/test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { MemorySecretStore } from '../src/main/accounts/secrets'
import { createSessionService, newDeviceNotice, type NewDeviceNotice } from '../src/main/service/index'
import { bindContract, checkEvent } from '../src/shared/bind'
import { CALL_NAMES } from '../src/shared/channels'
import type { EventPayload } from '../src/shared/contract'
import { startHomeserver, type HomeserverOptions, type TestHomeserver } from '../test/homeserver/index'
import { installBridge } from './support/bridge'
import { NO_ELECTRON, electronBinary } from './support/electron'
import { serveRenderer, type StaticServer } from './support/staticServer'

export type Driver = 'chromium' | 'electron'

export interface DriverOptions {
  driver: Driver
  /** How the test homeserver runs (e.g. `{ oauth: true }` for its OAuth 2.0 mode); set per spec with test.use. */
  homeserverOptions: Omit<HomeserverOptions, 'users'>
}

export interface Latchkey {
  page: Page
  /** Its data folder (accounts.json, settings.json). */
  dataDir: string
  /** Uncaught errors, failed promises and CSP violations in the window: a spec ends with none. */
  problems: string[]
  /** Resolves with the next page Latchkey opens "in the system browser" (SSO, UIA fallback). */
  nextExternalPage(): Promise<Page>
  /** Everything that crossed into the page: each call's answer and each event, as JSON. */
  crossings: string[]
  /**
   * Holds back the events that `match` picks and delivers them only after the next call has
   * answered (as a slow IPC channel might). Resolves once they reached the page. Chromium driver only.
   */
  deliverLate(match: (event: string, payload: unknown) => boolean): Promise<void>
  /**
   * Issue 11: the desktop notifications shown for new sign-ins, as the shell's notifier words
   * them, and a click on one (the shell's openDevice event). Chromium driver only.
   */
  notifications: NewDeviceNotice[]
  clickNotification(notice: NewDeviceNotice): Promise<void>
  close(): Promise<void>
}

export const PASSWORDS = { alice: 'alice-correct-horse', bob: 'bob-battery-staple' } as const

/** The people on the test homeserver: two with passwords, one who signs in only through SSO. */
const USERS = [
  { localpart: 'alice', password: PASSWORDS.alice, displayName: 'Alice Liddell' },
  { localpart: 'bob', password: PASSWORDS.bob, displayName: 'Bob Marley', avatarMxc: 'mxc://localhost/bob-avatar' },
  { localpart: 'carol', displayName: 'Carol Danvers' },
]

const ROOT = resolve(import.meta.dirname, '..')

interface WorkerFixtures {
  renderer: StaticServer
  sharedBrowser: { get(): Promise<Browser> }
}

interface TestFixtures {
  homeserver: TestHomeserver
  /**
   * Starts another Latchkey with its own data folder (a second computer, in effect), or with the
   * data folder of one started before (the same computer after a restart).
   */
  launch: (options?: { sameDataAs?: Latchkey }) => Promise<Latchkey>
  app: Latchkey
  skipWithoutElectron: void
}

/** Hands pages to waiters in the order they were opened, whichever came first. */
class PageQueue {
  private pages: Page[] = []
  private waiters: Array<(page: Page) => void> = []

  push(page: Page): void {
    const waiter = this.waiters.shift()
    if (waiter) waiter(page)
    else this.pages.push(page)
  }

  next(): Promise<Page> {
    const page = this.pages.shift()
    return page ? Promise.resolve(page) : new Promise((resolve) => this.waiters.push(resolve))
  }
}

function watchForProblems(page: Page): string[] {
  const problems: string[] = []
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`)
  })
  return problems
}

async function launchInChromium(
  browser: Browser,
  renderer: StaticServer,
  dataDir: string,
  colorScheme: 'light' | 'dark',
): Promise<Latchkey> {
  const context: BrowserContext = await browser.newContext({ viewport: { width: 1120, height: 760 }, colorScheme })
  const external = new PageQueue()
  const service = await createSessionService({
    dataDir,
    secrets: new MemorySecretStore(),
    deviceName: 'Latchkey (e2e)',
    // "The system browser" is another tab of the same browser, so specs can walk the IdP's page.
    openExternal: async (url) => {
      const tab = await context.newPage()
      external.push(tab)
      await tab.goto(url)
    },
    matrix: { totalTimeoutMs: 5_000, connectTimeoutMs: 2_000, maxRateLimitWaitMs: 1_000 },
    // A person in the browser is simulated quickly; polling as slowly as for a human only slows the suite.
    tuning: { ssoPollIntervalMs: 200 },
  })
  const binding = bindContract(service, {
    onInternalError: (error, call) => console.error(`[e2e] internal error in ${call}:`, error),
  })
  const crossings: string[] = []
  const page = await context.newPage()
  const problems = watchForProblems(page)
  // Events go to the page in the order the service emitted them, through the same schema check
  // the Electron shell applies; an answer waits for the events emitted before it, so the page
  // sees events and answers in the order main sent them, as Electron's IPC delivers them.
  let delivery = Promise.resolve()
  const dispatch = (event: string, checked: unknown) =>
    page
      .evaluate(
        ([e, p]) => (window as unknown as { __latchkeyDispatch?: (e: string, p: unknown) => void }).__latchkeyDispatch?.(e, p),
        [event, checked] as const,
      )
      .catch(() => undefined)
  let closed = false
  let late: { match: (event: string, payload: unknown) => boolean; held: Array<[string, unknown]>; done: () => void } | undefined
  await page.exposeBinding('__latchkeyInvoke', async (_source, name: unknown, args: unknown) => {
    const answer = await binding.call(name, args)
    await delivery
    crossings.push(JSON.stringify(answer))
    const holding = late
    if (holding && holding.held.length > 0) {
      late = undefined
      // After the answer has reached the page: the held events follow it.
      setTimeout(() => {
        for (const [event, checked] of holding.held) {
          crossings.push(JSON.stringify(checked))
          delivery = delivery.then(() => dispatch(event, checked))
        }
        void delivery.then(holding.done)
      }, 100)
    }
    return answer
  })
  await page.addInitScript(installBridge, [...CALL_NAMES])
  const notifications: NewDeviceNotice[] = []
  const unsubscribe = service.onEvent((event, payload) => {
    const checked = checkEvent(event, payload)
    // The shell's notifier, recorded: the same words the Electron shell shows.
    if (event === 'newDevices') {
      const notice = newDeviceNotice(checked as EventPayload<'newDevices'>)
      if (notice) notifications.push(notice)
    }
    if (late?.match(event, checked)) {
      late.held.push([event, checked])
      return
    }
    crossings.push(JSON.stringify(checked))
    delivery = delivery.then(() => dispatch(event, checked))
  })
  await page.goto(renderer.url)
  return {
    page,
    dataDir,
    problems,
    nextExternalPage: () => external.next(),
    crossings,
    deliverLate: (match) => new Promise<void>((done) => (late = { match, held: [], done })),
    notifications,
    async clickNotification(notice) {
      const checked = checkEvent('openDevice', { accountId: notice.accountId, deviceId: notice.deviceId })
      delivery = delivery.then(() => dispatch('openDevice', checked))
      await delivery
    },
    async close() {
      if (closed) return
      closed = true
      unsubscribe()
      await service.close()
      await context.close()
    },
  }
}

async function launchInElectron(
  binary: string,
  dataDir: string,
  colorScheme: 'light' | 'dark',
  browser: Browser,
): Promise<Latchkey> {
  const app = await _electron.launch({
    executablePath: binary,
    args: [join(ROOT, 'out/main/index.js')],
    env: { ...process.env, LATCHKEY_HOME: dataDir } as Record<string, string>,
  })
  const page = await app.firstWindow()
  await page.emulateMedia({ colorScheme })
  const problems = watchForProblems(page)
  const external = new PageQueue()
  // "The system browser" is a Chromium page driven by the test: the app's own windows refuse to
  // navigate (as they must), so the identity provider's page cannot be walked inside the app.
  await app.evaluate(({ shell }) => {
    const opened: string[] = []
    ;(globalThis as unknown as { __latchkeyOpened: string[] }).__latchkeyOpened = opened
    shell.openExternal = async (url: string) => void opened.push(url)
  })
  const context = await browser.newContext()
  let open = true
  const relay = (async () => {
    while (open) {
      const urls = await app
        .evaluate(() => (globalThis as unknown as { __latchkeyOpened: string[] }).__latchkeyOpened.splice(0))
        .catch(() => [] as string[])
      for (const url of urls) {
        const tab = await context.newPage()
        external.push(tab)
        await tab.goto(url).catch(() => undefined)
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  })()
  return {
    page,
    dataDir,
    problems,
    nextExternalPage: () => external.next(),
    crossings: [],
    deliverLate: () => Promise.reject(new Error('Only the chromium driver can delay events.')),
    notifications: [],
    clickNotification: () => Promise.reject(new Error('Only the chromium driver records notifications.')),
    async close() {
      open = false
      await relay
      await context.close()
      await app.close()
    },
  }
}

/** Every access and refresh token the homeserver handed out during the test. */
function issuedSessionTokens(homeserver: TestHomeserver): string[] {
  const tokens = new Set<string>()
  for (const { responseBody } of homeserver.requests) {
    if (typeof responseBody !== 'object' || responseBody === null) continue
    for (const key of ['access_token', 'refresh_token'] as const) {
      const value = (responseBody as Record<string, unknown>)[key]
      if (typeof value === 'string' && value.length > 0) tokens.add(value)
    }
  }
  // OAuth 2.0 mode: the issuer hands out the session tokens.
  for (const token of homeserver.oauth?.issuedTokens() ?? []) tokens.add(token)
  return [...tokens]
}

/** What the page holds: its DOM and its storage. A closed page holds nothing. */
async function pageSnapshot(page: Page): Promise<string> {
  if (page.isClosed()) return ''
  return page
    .evaluate(() => [document.documentElement.outerHTML, JSON.stringify({ ...localStorage }), JSON.stringify({ ...sessionStorage })].join('\n'))
    .catch(() => '')
}

export const test = base.extend<TestFixtures & DriverOptions, WorkerFixtures>({
  driver: ['chromium', { option: true }],

  skipWithoutElectron: [
    async ({ driver }, use, testInfo) => {
      if (driver === 'electron' && !electronBinary()) testInfo.skip(true, NO_ELECTRON)
      await use()
    },
    { auto: true },
  ],

  renderer: [
    // Playwright reads a fixture's dependencies from its first parameter: none here.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const server = await serveRenderer(join(ROOT, 'out/renderer'))
      await use(server)
      await server.close()
    },
    { scope: 'worker' },
  ],

  sharedBrowser: [
    async ({ playwright, launchOptions }, use) => {
      let browser: Promise<Browser> | undefined
      await use({ get: () => (browser ??= playwright.chromium.launch(launchOptions)) })
      if (browser) await (await browser).close()
    },
    { scope: 'worker' },
  ],

  homeserverOptions: [{}, { option: true }],

  homeserver: async ({ homeserverOptions }, use) => {
    const homeserver = await startHomeserver({ users: USERS, ...homeserverOptions })
    await use(homeserver)
    await homeserver.close()
  },

  launch: async ({ driver, renderer, sharedBrowser, colorScheme, homeserver }, use) => {
    const started: Array<{ app: Latchkey; dir: string }> = []
    await use(async (options) => {
      const dir = options?.sameDataAs?.dataDir ?? (await mkdtemp(join(tmpdir(), 'latchkey-e2e-')))
      const binary = electronBinary()
      const scheme = colorScheme === 'dark' ? 'dark' : 'light'
      const app =
        driver === 'electron' && binary
          ? await launchInElectron(binary, dir, scheme, await sharedBrowser.get())
          : await launchInChromium(await sharedBrowser.get(), renderer, dir, scheme)
      started.push({ app, dir })
      return app
    })
    const problems = started.flatMap(({ app }) => app.problems)
    // Token confinement: no access or refresh token the homeserver issued ever reached the page,
    // neither in what crossed the bridge nor in what the page shows or stores.
    const tokens = issuedSessionTokens(homeserver)
    const leaks: string[] = []
    for (const { app } of started) {
      const seen = [...app.crossings, await pageSnapshot(app.page)].join('\n')
      for (const token of tokens) if (seen.includes(token)) leaks.push(`${token.slice(0, 6)}…`)
    }
    for (const { app, dir } of started.reverse()) {
      await app.close().catch(() => undefined)
      await rm(dir, { recursive: true, force: true })
    }
    expect(problems, 'errors in the Latchkey window').toEqual([])
    expect(leaks, 'session tokens that reached the renderer').toEqual([])
  },

  app: async ({ launch }, use) => {
    await use(await launch())
  },
})

export { expect } from '@playwright/test'
