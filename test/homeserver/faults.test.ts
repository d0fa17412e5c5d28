import { describe, expect, it } from 'vitest'
import { call, login, passwordAuth, useHomeserver, type Session } from './fixtures'
import { startHomeserver } from './index'
import type { EndpointName, Fault, TestHomeserver } from './types'

interface Probe {
  method: string
  path: string
  body?: unknown
  token?: boolean
}

const password = { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'wonderland' }

// One request per endpoint that would change state if it reached the homeserver.
function probes(session: Session): Record<EndpointName, Probe> {
  return {
    wellKnown: { method: 'GET', path: '/.well-known/matrix/client' },
    versions: { method: 'GET', path: '/_matrix/client/versions' },
    loginFlows: { method: 'GET', path: '/_matrix/client/v3/login' },
    login: { method: 'POST', path: '/_matrix/client/v3/login', body: password },
    logout: { method: 'POST', path: '/_matrix/client/v3/logout', body: {}, token: true },
    logoutAll: { method: 'POST', path: '/_matrix/client/v3/logout/all', body: {}, token: true },
    whoami: { method: 'GET', path: '/_matrix/client/v3/account/whoami', token: true },
    getLoginToken: { method: 'POST', path: '/_matrix/client/v1/login/get_token', body: { auth: password }, token: true },
    refresh: { method: 'POST', path: '/_matrix/client/v3/refresh', body: { refresh_token: session.refreshToken } },
    capabilities: { method: 'GET', path: '/_matrix/client/v3/capabilities', token: true },
    devices: { method: 'GET', path: '/_matrix/client/v3/devices', token: true },
    getDevice: { method: 'GET', path: '/_matrix/client/v3/devices/OTHER', token: true },
    updateDevice: { method: 'PUT', path: '/_matrix/client/v3/devices/OTHER', body: { display_name: 'renamed' }, token: true },
    deleteDevice: { method: 'DELETE', path: '/_matrix/client/v3/devices/OTHER', body: { auth: password }, token: true },
    deleteDevices: { method: 'POST', path: '/_matrix/client/v3/delete_devices', body: { devices: ['OTHER'], auth: password }, token: true },
    profile: { method: 'GET', path: '/_matrix/client/v3/profile/%40alice%3Alocalhost' },
    thumbnail: { method: 'GET', path: '/_matrix/client/v1/media/thumbnail/localhost/carolavatar?width=32&height=32', token: true },
    authMetadata: { method: 'GET', path: '/_matrix/client/v1/auth_metadata' },
    ssoRedirect: { method: 'GET', path: '/_matrix/client/v3/login/sso/redirect?redirectUrl=http%3A%2F%2F127.0.0.1%3A9%2Fsso' },
    ssoFallback: { method: 'GET', path: '/_matrix/client/v3/auth/m.login.sso/fallback/web?session=x' },
    identityProvider: { method: 'GET', path: '/_test/idp/test-idp?redirectUrl=http%3A%2F%2F127.0.0.1%3A9%2Fsso' },
    authMetadataUnstable: { method: 'GET', path: '/_matrix/client/unstable/org.matrix.msc2965/auth_metadata' },
    authIssuer: { method: 'GET', path: '/_matrix/client/unstable/org.matrix.msc2965/auth_issuer' },
    accountPage: { method: 'GET', path: '/account/' },
    keysQuery: { method: 'POST', path: '/_matrix/client/v3/keys/query', body: { device_keys: { '@alice:localhost': [] } }, token: true },
    sync: { method: 'GET', path: '/_matrix/client/v3/sync?timeout=0', token: true },
    setAccountData: { method: 'PUT', path: '/_matrix/client/v3/user/%40alice%3Alocalhost/account_data/org.example.probe', body: { a: 1 }, token: true },
  }
}

async function send(hs: TestHomeserver, session: Session, probe: Probe, timeoutMs = 2000): Promise<Response> {
  return fetch(hs.url + probe.path, {
    method: probe.method,
    headers: { 'Content-Type': 'application/json', ...(probe.token ? { Authorization: `Bearer ${session.accessToken}` } : {}) },
    body: probe.body === undefined ? undefined : JSON.stringify(probe.body),
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  })
}

async function seeded(hs: TestHomeserver): Promise<Session> {
  await login(hs, 'alice', 'wonderland', { device_id: 'OTHER', initial_device_display_name: 'Other' })
  return login(hs, 'alice', 'wonderland', { refresh_token: true })
}

/** Every endpoint under the fault: `check` sees the outcome, and no state may change. */
async function throughEveryEndpoint(hs: TestHomeserver, fault: Fault, check: (outcome: Promise<Response>) => Promise<void>) {
  const session = await seeded(hs)
  for (const [endpoint, probe] of Object.entries(probes(session)) as Array<[EndpointName, Probe]>) {
    const before = hs.devicesOf('alice')
    hs.setFault(endpoint, fault)
    await check(send(hs, session, probe, fault.kind === 'hang' ? 150 : 2000)).catch((error: unknown) => {
      throw new Error(`${endpoint} under ${fault.kind}: ${String(error)}`)
    })
    hs.setFault(endpoint, null)
    expect(hs.devicesOf('alice'), `${endpoint} under ${fault.kind} changed the devices`).toEqual(before)
  }
  // The session still works and its refresh token was never used.
  expect((await call(hs, 'GET', '/_matrix/client/v3/account/whoami', { token: session.accessToken })).status).toBe(200)
  expect((await call(hs, 'POST', '/_matrix/client/v3/refresh', { body: { refresh_token: session.refreshToken } })).status).toBe(200)
  expect(hs.requests.filter((r) => r.fault === fault.kind)).toHaveLength(Object.keys(probes(session)).length)
}

describe('the fault switch, on every endpoint', () => {
  const t = useHomeserver()

  for (const status of [500, 502, 503] as const) {
    it(`answers ${status} with a plain-text body and changes nothing`, async () => {
      await throughEveryEndpoint(t.hs, { kind: 'status', status }, async (outcome) => {
        const response = await outcome
        expect(response.status).toBe(status)
        expect(response.headers.get('content-type')).toMatch(/^text\/plain/)
        const text = await response.text()
        expect(text).toMatch(new RegExp(`^${status} `))
        expect(() => JSON.parse(text)).toThrow(SyntaxError)
      })
    })
  }

  it('answers 502 with a proxy’s HTML error page and changes nothing', async () => {
    await throughEveryEndpoint(t.hs, { kind: 'html' }, async (outcome) => {
      const response = await outcome
      expect(response.status).toBe(502)
      expect(response.headers.get('content-type')).toBe('text/html')
      expect(await response.text()).toContain('<h1>502 Bad Gateway</h1>')
    })
  })

  it('answers 200 with a body that is not JSON and changes nothing', async () => {
    await throughEveryEndpoint(t.hs, { kind: 'malformed-json' }, async (outcome) => {
      const response = await outcome
      expect(response.status).toBe(200)
      const text = await response.text()
      expect(() => JSON.parse(text)).toThrow(SyntaxError)
    })
  })

  it('sends a truncated body and closes the connection, changing nothing', async () => {
    await throughEveryEndpoint(t.hs, { kind: 'truncated' }, async (outcome) => {
      const response = await outcome
      expect(response.status).toBe(200)
      await expect(response.text()).rejects.toThrow()
    })
  })

  it('resets the connection before answering, changing nothing', async () => {
    await throughEveryEndpoint(t.hs, { kind: 'reset' }, async (outcome) => {
      await expect(outcome).rejects.toThrow()
    })
  })

  it('never answers a hung request, changing nothing', async () => {
    await throughEveryEndpoint(t.hs, { kind: 'hang' }, async (outcome) => {
      await expect(outcome).rejects.toThrow(/timeout|aborted/i)
    })
  })

  it('delays an answer by the latency and then answers normally', async () => {
    const session = await seeded(t.hs)
    t.hs.setFault('whoami', { kind: 'latency', ms: 120 })
    const started = performance.now()
    const response = await send(t.hs, session, probes(session).whoami)
    expect(performance.now() - started).toBeGreaterThanOrEqual(110)
    expect(response.status).toBe(200)
    expect((await response.json()).user_id).toBe('@alice:localhost')
  })

  it('applies a fault for * to every endpoint; clearing * clears every fault', async () => {
    const session = await seeded(t.hs)
    t.hs.setFault('devices', { kind: 'html' })
    t.hs.setFault('*', { kind: 'status', status: 503 })
    expect((await send(t.hs, session, probes(session).whoami)).status).toBe(503)
    expect((await send(t.hs, session, probes(session).devices)).status).toBe(502)
    t.hs.setFault('*', null)
    expect((await send(t.hs, session, probes(session).devices)).status).toBe(200)
    expect((await send(t.hs, session, probes(session).whoami)).status).toBe(200)
  })
})

describe('the login-token rate limit under a fault', () => {
  it('does not spend the per-user login-token allowance on a faulted request', async () => {
    const hs = await startHomeserver({ users: [{ localpart: 'alice', password: 'wonderland' }], getLoginTokenRateLimitMs: 60_000 })
    try {
      const me = await login(hs)
      hs.setFault('getLoginToken', { kind: 'status', status: 500 })
      await call(hs, 'POST', '/_matrix/client/v1/login/get_token', { body: { auth: password }, token: me.accessToken })
      hs.setFault('getLoginToken', null)
      const challenge = await call(hs, 'POST', '/_matrix/client/v1/login/get_token', { body: {}, token: me.accessToken })
      const answer = await call(hs, 'POST', '/_matrix/client/v1/login/get_token', { body: { auth: passwordAuth(challenge.body.session) }, token: me.accessToken })
      expect(answer.status).toBe(200)
    } finally {
      await hs.close()
    }
  })
})

describe('closing the homeserver', () => {
  it('ends hung requests instead of waiting for them', async () => {
    const hs = await startHomeserver()
    hs.setFault('versions', { kind: 'hang' })
    const hung = fetch(`${hs.url}/_matrix/client/versions`)
    await new Promise((resolve) => setTimeout(resolve, 50))
    const started = performance.now()
    await hs.close()
    expect(performance.now() - started).toBeLessThan(1000)
    await expect(hung).rejects.toThrow()
  })
})

describe('rateLimit()', () => {
  const t = useHomeserver()

  it('answers the next n calls of an endpoint 429 without changing state, then serves it again', async () => {
    t.hs.rateLimit('login', 2, 750)
    for (let i = 0; i < 2; i++) {
      const answer = await call(t.hs, 'POST', '/_matrix/client/v3/login', { body: password })
      expect(answer.status).toBe(429)
      expect(answer.body).toEqual({ errcode: 'M_LIMIT_EXCEEDED', error: expect.any(String), retry_after_ms: 750 })
      expect(answer.headers.get('retry-after')).toBe('1')
    }
    expect(t.hs.devicesOf('alice')).toEqual([])
    expect((await call(t.hs, 'POST', '/_matrix/client/v3/login', { body: password })).status).toBe(200)
  })
})
