import { afterEach, describe, expect, it } from 'vitest'
import { startHomeserver, type HomeserverOptions, type TestHomeserver } from '../../../test/homeserver/index'
import { assertRequestsConformToSpec } from '../../../test/spec/openapi'
import { discover, MatrixClient, MatrixError, Transport } from '../matrix'
import { OAUTH_REDIRECT_URI_TO_REGISTER, startRedirectListener } from '../sso'
import { aPersonAtTheBrowser, browse } from '../../../test/sso/browser'
import { authorizationUrl, exchangeCode, matrixScope, pkce, refreshTokens, revokeToken, type OAuthServer } from './oauth'
import { beginOAuthSignIn, clientIdFor, signInWithDeviceCode, type OAuthClientStore } from './oauth-sign-in'

// The OAuth 2.0 API against a real authorisation server (oidc-provider, the test homeserver's
// OAuth mode), over HTTP: registration, the code grant in a browser, refresh, revocation and the
// device grant.

const FAST = { connectTimeoutMs: 2_000, timeoutMs: 5_000 }
const ALICE = { username: 'alice', password: 'wonderland' }
const started: TestHomeserver[] = []

async function homeserver(oauth: HomeserverOptions['oauth'] = true): Promise<TestHomeserver> {
  const hs = await startHomeserver({ users: [{ localpart: 'alice', password: 'wonderland' }], oauth })
  started.push(hs)
  return hs
}

afterEach(async () => {
  const servers = started.splice(0)
  await Promise.all(servers.map((s) => s.close()))
  for (const s of servers) assertRequestsConformToSpec(s.requests)
})

function memoryClients(): OAuthClientStore & { map: Map<string, string> } {
  const map = new Map<string, string>()
  return { map, get: async (issuer) => map.get(issuer), set: async (issuer, id) => void map.set(issuer, id) }
}

async function serverOf(hs: TestHomeserver): Promise<{ server: OAuthServer; client: MatrixClient }> {
  const transport = new Transport(FAST)
  const found = await discover(hs.url, { transport })
  if (!found.oauth.metadata) throw new Error('the test homeserver offers no OAuth')
  return { server: { metadata: found.oauth.metadata, transport, allowHttp: true }, client: new MatrixClient({ baseUrl: hs.url, transport }) }
}

async function signedIn(hs: TestHomeserver) {
  const { server, client } = await serverOf(hs)
  const clientId = await clientIdFor({ server, clients: memoryClients(), clientUri: 'https://github.com/latchkey-app/latchkey' })
  const person = aPersonAtTheBrowser({ fields: ALICE })
  const pending = await beginOAuthSignIn(client, { server, clientId, openExternal: person.openExternal })
  const credentials = await pending.done
  return { server, client, clientId, credentials, person, pending }
}

async function rejection(p: Promise<unknown>): Promise<MatrixError> {
  try {
    await p
  } catch (e) {
    if (e instanceof MatrixError) return e
    throw e
  }
  throw new Error('expected a MatrixError')
}

describe('registering Latchkey with an OAuth 2.0 server', () => {
  it('registers as a native app with the loopback redirect URI, and keeps one client id per issuer', async () => {
    const hs = await homeserver()
    const { server } = await serverOf(hs)
    const clients = memoryClients()
    const options = { server, clients, clientUri: 'https://github.com/latchkey-app/latchkey' }
    const first = await clientIdFor(options)
    expect(hs.oauth!.registrations).toEqual([
      expect.objectContaining({
        client_name: 'Latchkey',
        client_uri: 'https://github.com/latchkey-app/latchkey',
        application_type: 'native',
        redirect_uris: [OAUTH_REDIRECT_URI_TO_REGISTER],
        grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
        token_endpoint_auth_method: 'none',
      }),
    ])
    expect(clients.map.get(hs.oauth!.issuer)).toBe(first)
    expect(await clientIdFor(options)).toBe(first)
    expect(hs.oauth!.registrations).toHaveLength(1)
  })

  it('registers again when the server no longer knows the kept client id', async () => {
    const hs = await homeserver()
    const { server } = await serverOf(hs)
    const clients = memoryClients()
    const options = { server, clients, clientUri: 'https://github.com/latchkey-app/latchkey' }
    const first = await clientIdFor(options)
    hs.oauth!.forgetClients()
    const second = await clientIdFor(options)
    expect(second).not.toBe(first)
    expect(clients.map.get(hs.oauth!.issuer)).toBe(second)
    expect(hs.oauth!.registrations).toHaveLength(2)
  })
})

describe('the authorisation code grant in the browser', () => {
  it('signs in at the server’s login page and comes back through the loopback listener with a new device', async () => {
    const hs = await homeserver()
    const { credentials, client, person, pending } = await signedIn(hs)
    expect(credentials).toMatchObject({ userId: '@alice:localhost', deviceId: pending.deviceId, homeserverUrl: hs.url, refreshToken: expect.any(String), expiresAt: expect.any(Number) })
    expect(pending.deviceId).toMatch(/^[A-Z0-9]{12}$/)
    const url = new URL(person.opened[0]!)
    expect(url.searchParams.get('code_challenge_method')).toBe('S256')
    expect(url.searchParams.get('scope')).toContain(`urn:matrix:client:device:${pending.deviceId}`)
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/)
    expect((await person.lastVisit).text).toContain('@alice:localhost')
    expect(hs.devicesOf('alice').map((d) => d.deviceId)).toContain(pending.deviceId)
    expect((await client.whoami()).userId).toBe('@alice:localhost')
  })

  it('asks for a new account with prompt=create and signs the new account in', async () => {
    const hs = await homeserver()
    const { server, client } = await serverOf(hs)
    const clientId = await clientIdFor({ server, clients: memoryClients(), clientUri: 'https://github.com/latchkey-app/latchkey' })
    const person = aPersonAtTheBrowser({ fields: { username: 'dora', password: 'explorer' } })
    const pending = await beginOAuthSignIn(client, { server, clientId, create: true, openExternal: person.openExternal })
    expect((await pending.done).userId).toBe('@dora:localhost')
    expect(new URL(person.opened[0]!).searchParams.get('prompt')).toBe('create')
  })

  it('keeps the device id and sends the user id as login_hint when signing in again', async () => {
    const hs = await homeserver()
    const first = await signedIn(hs)
    const person = aPersonAtTheBrowser({ fields: { password: 'wonderland' } })
    const again = await beginOAuthSignIn(first.client, { server: first.server, clientId: first.clientId, deviceId: first.credentials.deviceId, loginHint: '@alice:localhost', openExternal: person.openExternal })
    expect((await again.done).deviceId).toBe(first.credentials.deviceId)
    expect(new URL(person.opened[0]!).searchParams.get('login_hint')).toBe('@alice:localhost')
  })

  it('refuses a redirect with the wrong state and waits for the real one', async () => {
    const hs = await homeserver()
    const { server, client } = await serverOf(hs)
    const clientId = await clientIdFor({ server, clients: memoryClients(), clientUri: 'https://github.com/latchkey-app/latchkey' })
    let forged: Response | undefined
    const pending = await beginOAuthSignIn(client, {
      server,
      clientId,
      openExternal: async (url) => {
        const redirect = new URL(new URL(url).searchParams.get('redirect_uri')!)
        forged = await fetch(`${redirect.href}?code=forged&state=not-the-state`)
        void browse(url, { fields: ALICE })
      },
    })
    expect(forged?.status).toBe(400)
    expect((await pending.done).userId).toBe('@alice:localhost')
  })

  it('refuses a code exchanged with the wrong PKCE verifier', async () => {
    const hs = await homeserver()
    const { server } = await serverOf(hs)
    const clientId = await clientIdFor({ server, clients: memoryClients(), clientUri: 'https://github.com/latchkey-app/latchkey' })
    const { challenge, state } = await pkce()
    const wrong = await pkce()
    const listener = await startRedirectListener({ kind: 'oauth', expectedState: state })
    const url = authorizationUrl(server, { clientId, redirectUri: listener.url, scope: matrixScope(server.metadata, 'LATCHKEYPKCE'), state, codeChallenge: challenge })
    void browse(url, { fields: ALICE })
    const redirect = await listener.result
    listener.respond({ ok: false, message: 'test' })
    const callback = new URLSearchParams({ code: redirect.code, state, ...(redirect.iss === undefined ? {} : { iss: redirect.iss }) })
    const e = await rejection(exchangeCode(server, clientId, callback, state, listener.url, wrong.verifier))
    expect(e.errcode).toBe('invalid_grant')
    expect(e.message).not.toContain(redirect.code)
    expect(hs.requests.some((r) => r.endpoint === 'whoami')).toBe(false)
  })
})

describe('tokens', () => {
  it('rotates the pair on refresh, and a careful server ends the session when a spent refresh token comes back', async () => {
    const hs = await homeserver()
    const { server, clientId, credentials, client } = await signedIn(hs)
    const renewed = await refreshTokens(server, clientId, credentials.refreshToken!)
    expect(renewed.refreshToken).toBeDefined()
    expect(renewed.refreshToken).not.toBe(credentials.refreshToken)
    expect(renewed.accessToken).not.toBe(credentials.accessToken)
    const replay = await rejection(refreshTokens(server, clientId, credentials.refreshToken!))
    expect(replay).toMatchObject({ kind: 'logged-out', errcode: 'invalid_grant', softLogout: true })
    expect(replay.message).not.toContain(credentials.refreshToken!)
    client.setCredentials({ accessToken: renewed.accessToken })
    expect((await rejection(client.whoami())).status).toBe(401)
  })

  it('revokes on sign-out: the access token then answers 401 and the refresh token is refused', async () => {
    const hs = await homeserver()
    const { server, clientId, credentials, client } = await signedIn(hs)
    await revokeToken(server, clientId, credentials.refreshToken!, 'refresh_token')
    await revokeToken(server, clientId, credentials.accessToken, 'access_token')
    const e = await rejection(client.whoami())
    expect([e.status, e.errcode]).toEqual([401, 'M_UNKNOWN_TOKEN'])
    expect((await rejection(refreshTokens(server, clientId, credentials.refreshToken!))).errcode).toBe('invalid_grant')
    expect(hs.devicesOf('alice').map((d) => d.deviceId)).not.toContain(credentials.deviceId)
  })

  it('asks for only the unstable scopes where the server lists only those (Synapse 1.97)', async () => {
    const hs = await homeserver({ profile: 'well-known' })
    const { server, client } = await serverOf(hs)
    expect(matrixScope(server.metadata, 'ABCDEFGHIJ')).toBe('urn:matrix:org.matrix.msc2967.client:api:* urn:matrix:org.matrix.msc2967.client:device:ABCDEFGHIJ')
    const clientId = await clientIdFor({ server, clients: memoryClients(), clientUri: 'https://github.com/latchkey-app/latchkey' })
    const person = aPersonAtTheBrowser({ fields: ALICE })
    const pending = await beginOAuthSignIn(client, { server, clientId, openExternal: person.openExternal })
    expect((await pending.done).userId).toBe('@alice:localhost')
  })

  it('asks for both scope forms where the server lists neither', () => {
    expect(matrixScope({}, 'ABCDEFGHIJ').split(' ')).toEqual([
      'urn:matrix:client:api:*',
      'urn:matrix:client:device:ABCDEFGHIJ',
      'urn:matrix:org.matrix.msc2967.client:api:*',
      'urn:matrix:org.matrix.msc2967.client:device:ABCDEFGHIJ',
    ])
  })
})

describe('the device authorisation grant', () => {
  it('shows the code, polls at the server’s interval, slows down when told, and signs in once the person confirms', async () => {
    const hs = await homeserver({ deviceIntervalSeconds: 1, slowDownPolls: 1, enforceInterval: false })
    const { server, client } = await serverOf(hs)
    const clientId = await clientIdFor({ server, clients: memoryClients(), clientUri: 'https://github.com/latchkey-app/latchkey' })
    const waits: number[] = []
    let confirmed: Promise<unknown> = Promise.resolve()
    let shown: { userCode: string; verificationUriComplete?: string } | undefined
    const credentials = await signInWithDeviceCode(client, {
      server,
      clientId,
      show: (prompt) => {
        shown = prompt
      },
      sleep: async (ms) => {
        waits.push(ms)
        // The person confirms in the browser after the first (slowed-down) poll.
        if (waits.length === 2) confirmed = browse(shown!.verificationUriComplete!, { forms: 3, fields: ALICE })
        await confirmed
      },
    })
    expect(shown?.userCode).toMatch(/\S/)
    expect(waits.slice(0, 2)).toEqual([1000, 6000])
    expect(credentials.userId).toBe('@alice:localhost')
    expect((await client.whoami()).deviceId).toBe(credentials.deviceId)
  })

  it('stops when the code expires, saying so', async () => {
    const hs = await homeserver({ deviceIntervalSeconds: 1, deviceCodeTtlSeconds: 2 })
    const { server, client } = await serverOf(hs)
    const clientId = await clientIdFor({ server, clients: memoryClients(), clientUri: 'https://github.com/latchkey-app/latchkey' })
    const e = await rejection(signInWithDeviceCode(client, { server, clientId, show: () => {} }))
    expect(e.kind).toBe('timeout')
    expect(e.message).toMatch(/expired before the sign-in was confirmed/)
  })

  it('stops cleanly when cancelled', async () => {
    const hs = await homeserver({ deviceIntervalSeconds: 1 })
    const { server, client } = await serverOf(hs)
    const clientId = await clientIdFor({ server, clients: memoryClients(), clientUri: 'https://github.com/latchkey-app/latchkey' })
    const abort = new AbortController()
    const e = await rejection(signInWithDeviceCode(client, { server, clientId, show: () => setTimeout(() => abort.abort(), 50), signal: abort.signal }))
    expect(e.kind).toBe('cancelled')
  })
})
