/**
 * issue 9 §2 and §4: a session belongs to the server that made it, and a sign-in never damages
 * another account. Server names resolve to loopback servers through the transport's test resolver.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { closedPort, resolverFor, startHostileServer, type HostileServer, type WellKnownAnswer } from '../../../test/hostile/server'
import { failure } from '../../../test/service/expect'
import { PASSWORDS, startHarness, type Harness, type HarnessOptions } from '../../../test/service/harness'
import type { HomeserverOptions } from '../../../test/homeserver'
import { secretKey } from '../accounts'
import { encodeLoginPayload } from './login-payload'

let h: Harness | undefined
let hostile: HostileServer | undefined
afterEach(async () => {
  await h?.close()
  await hostile?.close()
  h = undefined
  hostile = undefined
})

const LOGIN = '/_matrix/client/v3/login'
const LOGOUT = '/_matrix/client/v3/logout'

/**
 * A harness whose test homeserver calls itself `serverName` and is reached as https://<homeHost>,
 * with the hostile server answering every other listed name's well-known file.
 */
async function setUp(options: {
  serverName: string
  homeHost?: string
  wellKnown?: Record<string, WellKnownAnswer>
  hs?: HomeserverOptions
  extraHosts?: Record<string, number>
}): Promise<{ h: Harness; hostile: HostileServer; base: string }> {
  hostile = await startHostileServer({ wellKnown: options.wellKnown ?? {} })
  const hosts: Record<string, number> = {}
  for (const name of Object.keys(options.wellKnown ?? {})) hosts[name] = hostile.port
  Object.assign(hosts, options.extraHosts)
  // The homeserver's port is known only once it runs: the resolver reads it late.
  let homePort = 0
  const resolve = resolverFor(hosts)
  const harness: HarnessOptions = {
    hs: { serverName: options.serverName, wellKnown: null, ...options.hs },
    service: {
      matrix: {
        totalTimeoutMs: 3000,
        connectTimeoutMs: 1000,
        maxRateLimitWaitMs: 500,
        resolveForTests: (name) =>
          options.homeHost !== undefined && name === options.homeHost ? { address: '127.0.0.1', port: homePort } : resolve(name),
      },
    },
  }
  h = await startHarness(harness)
  homePort = Number(new URL(h.hs.url).port)
  const base = options.homeHost === undefined ? h.hs.url : `https://${options.homeHost}`
  return { h, hostile, base }
}

async function signInAlice(harness: Harness, server: string, extra: { trustServer?: string; user?: string } = {}) {
  return harness.service.addWithPassword({
    server,
    identifier: { kind: 'user', user: extra.user ?? 'alice' },
    password: PASSWORDS.alice,
    ...(extra.trustServer === undefined ? {} : { trustServer: extra.trustServer }),
  })
}

describe('a user id whose server names this homeserver in its well-known file', () => {
  it('is accepted, after normalising scheme, host case, default port and trailing slash', async () => {
    const { h, base } = await setUp({
      serverName: 'example.org',
      homeHost: 'chat.example.net',
      wellKnown: { 'example.org': { baseUrl: 'HTTPS://Chat.Example.NET:443/' } },
    })
    const account = await signInAlice(h, base)
    expect(account.userId).toBe('@alice:example.org')
    expect(account.servedBy).toBeUndefined()
    expect(JSON.parse((await h.state()).file ?? '{}').accounts[0]).toMatchObject({ serverTrust: 'well-known', signInMethod: 'password' })
  })
})

describe('a server name with a port', () => {
  it('accepts a homeserver on the same host name, whatever the port', async () => {
    const { h } = await setUp({
      serverName: 'example.org:8448',
      homeHost: 'example.org',
      wellKnown: {},
    })
    h.hs.addUser({ localpart: 'dave', password: 'pw' })
    const account = await h.service.addWithPassword({ server: 'https://example.org:8448', identifier: { kind: 'user', user: 'dave' }, password: 'pw' })
    expect(account.userId).toBe('@dave:example.org:8448')
    expect(JSON.parse((await h.state()).file ?? '{}').accounts[0]).toMatchObject({ serverTrust: 'server-name' })
  })
})

describe('a user id whose server names another homeserver', () => {
  it('is refused with a sentence naming both, the new session is signed out, and nothing is kept', async () => {
    hostile = await startHostileServer({
      wellKnown: { 'matrix.org': { baseUrl: 'https://matrix-client.matrix.org' } },
      login: { userId: '@alice:matrix.org' },
    })
    h = await startHarness({
      service: { matrix: { totalTimeoutMs: 3000, connectTimeoutMs: 1000, resolveForTests: resolverFor({ 'matrix.org': hostile.port }) } },
    })
    const before = await h.state()
    // A login code whose hs points at the hostile server, without saying whom it signs in.
    const error = await failure(h.service.addWithLoginToken({ payload: `latchkey://login?hs=${encodeURIComponent(hostile.url)}&token=abc` }))
    expect(error.code).toBe('mismatch')
    expect(error.message).toContain('matrix-client.matrix.org')
    expect(error.message).toContain(`127.0.0.1:${hostile.port}`)
    expect(error.message).toMatch(/signed that new session out and kept nothing/)
    expect(hostile.requestsTo(LOGOUT, 'POST')).toHaveLength(1)
    expect(await h.state()).toEqual(before)
  })

  it('refuses a login code naming that user before the code is used', async () => {
    hostile = await startHostileServer({
      wellKnown: { 'matrix.org': { baseUrl: 'https://matrix-client.matrix.org' } },
      login: { userId: '@alice:matrix.org' },
    })
    h = await startHarness({
      service: { matrix: { totalTimeoutMs: 3000, connectTimeoutMs: 1000, resolveForTests: resolverFor({ 'matrix.org': hostile.port }) } },
    })
    const payload = encodeLoginPayload({ homeserverUrl: hostile.url, token: 'abc', userId: '@alice:matrix.org' })
    const error = await failure(h.service.addWithLoginToken({ payload }))
    expect(error.code).toBe('mismatch')
    expect(error.message).toMatch(/did not use the login code/)
    expect(hostile.requestsTo(LOGIN, 'POST')).toHaveLength(0)
  })

  it('refuses a login answer whose well_known moves the session to a homeserver the server name does not name', async () => {
    hostile = await startHostileServer({
      wellKnown: { 'example.org': { baseUrl: 'https://chat.example.net' } },
      login: { userId: '@alice:example.org', wellKnownBaseUrl: 'https://elsewhere.example.com' },
    })
    const resolveForTests = resolverFor({ 'example.org': hostile.port, 'chat.example.net': hostile.port, 'elsewhere.example.com': hostile.port })
    h = await startHarness({ service: { matrix: { totalTimeoutMs: 3000, connectTimeoutMs: 1000, resolveForTests } } })
    const error = await failure(signInAlice(h, 'https://chat.example.net'))
    expect(error.code).toBe('mismatch')
    expect(error.message).toContain('elsewhere.example.com')
    expect(error.message).toContain('chat.example.net')
    expect(hostile.requestsTo(LOGOUT, 'POST')).toHaveLength(1)
    expect((await h.state()).file).toBeNull()
  })
})

describe('a user id whose server gives no usable well-known answer', () => {
  const answers: Array<[string, WellKnownAnswer | 'refused']> = [
    ['404', { status: 404 }],
    ['a server error', { status: 500 }],
    ['a page that is not JSON', { raw: '<html>hello</html>' }],
    ['no base_url', { json: { 'm.homeserver': {} } }],
    ['a base_url that is not http(s)', { baseUrl: 'javascript:alert(1)' }],
    ['no connection', 'refused'],
  ]
  it.each(answers)('asks the person to confirm the homeserver (%s), keeping nothing until then', async (_, answer) => {
    const refused: Record<string, number> = answer === 'refused' ? { 'example.org': await closedPort() } : {}
    const { h, base } = await setUp({
      serverName: 'example.org',
      homeHost: 'chat.example.net',
      wellKnown: answer === 'refused' ? {} : { 'example.org': answer },
      extraHosts: refused,
    })
    const error = await failure(signInAlice(h, base))
    expect(error.code).toBe('trust-required')
    expect(error.message).toMatch(/^@alice:example\.org is served by chat\.example\.net, which example\.org does not vouch for\./)
    expect(error.trust).toEqual({ userId: '@alice:example.org', serverName: 'example.org', host: 'chat.example.net' })
    expect(h.hs.devicesOf('alice')).toHaveLength(0)
    expect((await h.state()).file).toBeNull()
  })

  it('gives up waiting for a well-known file that never comes, and asks', async () => {
    const { h, base } = await setUp({ serverName: 'example.org', homeHost: 'chat.example.net', wellKnown: { 'example.org': 'hang' } })
    const error = await failure(signInAlice(h, base))
    expect(error.code).toBe('trust-required')
  })

  it('keeps the account once the person confirms that host, and shows the host beside the user id', async () => {
    const { h, base } = await setUp({ serverName: 'example.org', homeHost: 'chat.example.net', wellKnown: { 'example.org': { status: 404 } } })
    const account = await signInAlice(h, base, { trustServer: 'Chat.Example.net' })
    expect(account.servedBy).toBe('chat.example.net')
    expect((await h.service.listAccounts(undefined)).accounts[0]?.servedBy).toBe('chat.example.net')
    expect(JSON.parse((await h.state()).file ?? '{}').accounts[0]).toMatchObject({ serverTrust: 'confirmed' })
  })

  it('names that host, not the server name, when asking for the password', async () => {
    const { h, base } = await setUp({ serverName: 'example.org', homeHost: 'chat.example.net', wellKnown: { 'example.org': { status: 404 } } })
    const account = await signInAlice(h, base, { trustServer: 'chat.example.net' })
    const error = await failure(h.service.generateLoginToken({ accountId: account.id }))
    expect(error.code).toBe('auth-required')
    expect(error.message).toBe('chat.example.net asks for your password to confirm this.')
  })

  it('does not accept a confirmation of another host', async () => {
    const { h, base } = await setUp({ serverName: 'example.org', homeHost: 'chat.example.net', wellKnown: { 'example.org': { status: 404 } } })
    const error = await failure(signInAlice(h, base, { trustServer: 'evil.example.com' }))
    expect(error.code).toBe('trust-required')
  })

  it('asks before the password is sent when the user id is typed in full', async () => {
    const { h, base } = await setUp({ serverName: 'example.org', homeHost: 'chat.example.net', wellKnown: { 'example.org': { status: 404 } } })
    const error = await failure(signInAlice(h, base, { user: '@alice:example.org' }))
    expect(error.code).toBe('trust-required')
    expect(error.message).toMatch(/did not send the password/)
    expect(h.hs.requests.filter((r) => r.endpoint === 'login' && r.method === 'POST')).toHaveLength(0)
  })

  it('accepts a homeserver whose host is the server name itself', async () => {
    const { h, base } = await setUp({ serverName: 'example.org', homeHost: 'example.org', wellKnown: {} })
    const account = await signInAlice(h, base)
    expect(account.servedBy).toBeUndefined()
    expect(JSON.parse((await h.state()).file ?? '{}').accounts[0]).toMatchObject({ serverTrust: 'server-name' })
  })

  it('accepts a server named localhost on 127.0.0.1', async () => {
    h = await startHarness()
    await h.addAlice()
    expect(JSON.parse((await h.state()).file ?? '{}').accounts[0]).toMatchObject({ serverTrust: 'loopback' })
  })

  it('asks again at a re-login only when the host changed from the one confirmed', async () => {
    const { h, base } = await setUp({ serverName: 'example.org', homeHost: 'chat.example.net', wellKnown: { 'example.org': { status: 404 } } })
    const account = await signInAlice(h, base, { trustServer: 'chat.example.net' })
    h.hs.softLogout('alice')
    const again = await h.service.reLogin({ accountId: account.id, password: PASSWORDS.alice })
    expect(again.servedBy).toBe('chat.example.net')
  })

  it('asks for an SSO sign-in too, and keeps it once confirmed', async () => {
    const { h } = await setUp({ serverName: 'example.org', wellKnown: { 'example.org': { status: 404 } } })
    const host = new URL(h.hs.url).host
    const first = await h.service.beginSso({ server: h.hs.url })
    void h.browser.signInWithSso(first.url, '@carol:example.org')
    const error = await failure(h.service.completeSso({ requestId: first.requestId }))
    expect(error.code).toBe('trust-required')
    expect(error.trust?.host).toBe(host)
    expect((await h.state()).file).toBeNull()
    const second = await h.service.beginSso({ server: h.hs.url, trustServer: host })
    void h.browser.signInWithSso(second.url, '@carol:example.org')
    const account = await h.service.completeSso({ requestId: second.requestId })
    expect(account.servedBy).toBe(host)
  })
})

describe('a login code', () => {
  it('is refused when the server signs in another user than the code names, before anything is stored', async () => {
    hostile = await startHostileServer({ login: { userId: '@mallory:localhost' } })
    h = await startHarness()
    const before = await h.state()
    const payload = encodeLoginPayload({ homeserverUrl: hostile.url, token: 'abc', userId: '@alice:localhost' })
    const error = await failure(h.service.addWithLoginToken({ payload }))
    expect(error.code).toBe('mismatch')
    expect(error.message).toContain('@alice:localhost')
    expect(error.message).toContain('@mallory:localhost')
    expect(hostile.requestsTo(LOGOUT, 'POST')).toHaveLength(1)
    expect(await h.state()).toEqual(before)
  })
})

describe('a sign-in answering with an account already in the list', () => {
  it('leaves that account and its secret untouched and signs the new session out', async () => {
    hostile = await startHostileServer()
    h = await startHarness()
    const alice = await h.addAlice()
    const key = secretKey(alice.userId, alice.deviceId)
    const before = await h.state()
    hostile.set({ login: { userId: alice.userId, deviceId: alice.deviceId } })
    const error = await failure(
      h.service.addWithLoginToken({ payload: encodeLoginPayload({ homeserverUrl: hostile.url, token: 'abc', userId: alice.userId }) }),
    )
    expect(error.code).toBe('mismatch')
    expect(error.message).toMatch(/already in the list/)
    expect(error.message).toMatch(/signed that new session out/)
    expect(hostile.requestsTo(LOGOUT, 'POST')).toHaveLength(1)
    expect(await h.state()).toEqual(before)
    expect(await h.secrets.get(key)).toEqual(before.secrets[key])
    // The real session still works.
    expect((await h.service.checkAll(undefined)).accounts[0]).toMatchObject({ id: alice.id, status: 'active' })
  })
})
