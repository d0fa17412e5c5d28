/**
 * A SessionService wired to a fresh test homeserver, a temporary data folder and a memory secret
 * store, with every event recorded and a scripted "browser" for SSO. Shared by the service tests.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { MemorySecretStore, type SecretStore } from '../../src/main/accounts'
import { createSessionService, type SessionService, type SessionServiceOptions } from '../../src/main/service'
import type { EventName, EventPayload } from '../../src/shared/contract'
import { startHomeserver, type HomeserverOptions, type TestHomeserver, type UserSeed } from '../homeserver'

export const PASSWORDS = { alice: 'alice-correct-horse', bob: 'bob-battery-staple' } as const

export const USERS: UserSeed[] = [
  { localpart: 'alice', password: PASSWORDS.alice, displayName: 'Alice Liddell', email: 'alice@example.org' },
  { localpart: 'bob', password: PASSWORDS.bob, displayName: 'Bob', avatarMxc: 'mxc://localhost/bobavatar' },
  /** SSO only: UIA offers m.login.sso. */
  { localpart: 'carol', displayName: 'Carol' },
]

export interface RecordedEvent<E extends EventName = EventName> {
  event: E
  payload: EventPayload<E>
}

export interface Harness {
  hs: TestHomeserver
  service: SessionService
  dir: string
  secrets: SecretStore
  events: RecordedEvent[]
  browser: ScriptedBrowser
  eventsOf<E extends EventName>(event: E): EventPayload<E>[]
  /** accounts.json as text (null when absent) and every stored secret: "the account state". */
  state(): Promise<{ file: string | null; secrets: Record<string, unknown> }>
  addAlice(): Promise<Awaited<ReturnType<SessionService['addWithPassword']>>>
  close(): Promise<void>
}

export interface HarnessOptions {
  hs?: HomeserverOptions
  service?: Partial<SessionServiceOptions>
  /** Reuse a data folder (a second "process" on the same machine). */
  dir?: string
}

/** Every harness's services and homeservers, so the token-confinement test can scan them all. */
export const everything: { events: RecordedEvent[]; homeservers: TestHomeserver[]; dirs: string[] } = {
  events: [],
  homeservers: [],
  dirs: [],
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const hs = await startHomeserver({ users: USERS, ...options.hs })
  const dir = options.dir ?? (await mkdtemp(path.join(tmpdir(), 'latchkey-service-')))
  const secrets = options.service?.secrets ?? new MemorySecretStore()
  const browser = new ScriptedBrowser()
  const service = await createSessionService({
    dataDir: dir,
    secrets,
    openExternal: (url) => browser.open(url),
    deviceName: 'Latchkey test',
    matrix: { totalTimeoutMs: 3000, connectTimeoutMs: 1000, maxRateLimitWaitMs: 500 },
    ...options.service,
    tuning: { ssoPollIntervalMs: 20, ssoTimeoutMs: 5000, ...options.service?.tuning },
  })
  const events: RecordedEvent[] = []
  service.onEvent((event, payload) => {
    events.push({ event, payload } as RecordedEvent)
    everything.events.push({ event, payload } as RecordedEvent)
  })
  everything.homeservers.push(hs)
  everything.dirs.push(dir)
  return {
    hs,
    service,
    dir,
    secrets,
    events,
    browser,
    eventsOf: <E extends EventName>(event: E) =>
      events.filter((e) => e.event === event).map((e) => e.payload as EventPayload<E>),
    async state() {
      const file = await readFile(path.join(dir, 'accounts.json'), 'utf8').catch(() => null)
      const stored: Record<string, unknown> = {}
      for (const key of await secrets.list()) stored[key] = await secrets.get(key)
      return { file, secrets: stored }
    },
    addAlice: () =>
      service.addWithPassword({ server: hs.url, identifier: { kind: 'user', user: 'alice' }, password: PASSWORDS.alice }),
    async close() {
      await service.close()
      await hs.close()
      if (!options.dir) await rm(dir, { recursive: true, force: true })
    },
  }
}

/**
 * Stands in for the system browser: records each page Latchkey opens, and can walk the test
 * homeserver's SSO pages (redirect → identity provider → back to the loopback listener) or its UIA
 * fallback page, over real HTTP.
 */
export class ScriptedBrowser {
  readonly opened: string[] = []
  #waiters: Array<(url: string) => void> = []

  async open(url: string): Promise<void> {
    this.opened.push(url)
    this.#waiters.shift()?.(url)
  }

  /** The next page opened (or the last one, if it was opened before anyone waited). */
  next(): Promise<string> {
    const unseen = this.opened[this.#seen]
    if (unseen !== undefined) {
      this.#seen++
      return Promise.resolve(unseen)
    }
    return new Promise((resolve) =>
      this.#waiters.push((url) => {
        this.#seen++
        resolve(url)
      }),
    )
  }

  #seen = 0

  /** Follows an SSO redirect URL and signs in as `userId` on the built-in identity provider. */
  async signInWithSso(url: string, userId: string, decision: 'continue' | 'cancel' = 'continue'): Promise<Response> {
    const first = await fetch(url, { redirect: 'manual' })
    const idpPage = new URL(first.headers.get('location') ?? '', url)
    const redirectUrl = idpPage.searchParams.get('redirectUrl') ?? ''
    const submit = await fetch(idpPage, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ user: userId, decision, redirectUrl }).toString(),
    })
    const back = submit.headers.get('location')
    if (!back) return submit
    // Back at Latchkey's loopback listener, which holds the page until the sign-in ends.
    return fetch(back, { redirect: 'manual' })
  }

  /** Presses Continue on the homeserver's UIA fallback page. */
  async confirmFallback(url: string): Promise<Response> {
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ decision: 'continue' }).toString(),
    })
  }
}

/** Every access and refresh token the homeserver handed out, and the login tokens. */
export function issuedTokens(hs: TestHomeserver): { sessionTokens: Set<string>; loginTokens: Set<string> } {
  const sessionTokens = new Set<string>()
  const loginTokens = new Set<string>()
  for (const r of hs.requests) {
    const body = r.responseBody
    if (typeof body !== 'object' || body === null) continue
    const b = body as Record<string, unknown>
    for (const field of ['access_token', 'refresh_token']) {
      if (typeof b[field] === 'string') sessionTokens.add(b[field] as string)
    }
    if (typeof b['login_token'] === 'string') loginTokens.add(b['login_token'] as string)
  }
  // OAuth 2.0 mode: the issuer hands out the session tokens.
  for (const token of hs.oauth?.issuedTokens() ?? []) sessionTokens.add(token)
  return { sessionTokens, loginTokens }
}
