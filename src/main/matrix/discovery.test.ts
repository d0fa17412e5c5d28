import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startHomeserver, type HomeserverOptions, type TestHomeserver } from '../../../test/homeserver/index'
import { assertRequestsConformToSpec } from '../../../test/spec/openapi'
import { discover } from './discovery'
import { FAST, rejection } from '../../../test/matrix/kit'

const started: TestHomeserver[] = []
let specCheck = true
async function homeserver(options: HomeserverOptions = {}): Promise<TestHomeserver> {
  const hs = await startHomeserver({ users: [{ localpart: 'alice', password: 'wonderland' }], ...options })
  started.push(hs)
  return hs
}
afterEach(async () => {
  const servers = started.splice(0)
  await Promise.all(servers.map((s) => s.close()))
  if (specCheck) for (const s of servers) assertRequestsConformToSpec(s.requests)
  specCheck = true
})

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as net.AddressInfo
  await new Promise<void>((r) => server.close(() => r()))
  return port
}

const opts = { transport: FAST }

describe('discovering a server from what a person typed', () => {
  it('follows the well-known file of a URL to the homeserver and reads what it offers', async () => {
    const hs = await homeserver()
    const d = await discover(hs.url, opts)
    expect(d).toMatchObject({
      input: hs.url,
      serverName: new URL(hs.url).host,
      baseUrl: hs.url,
      wellKnown: { status: 'found', url: `${hs.url}/.well-known/matrix/client` },
      r0Only: false,
      legacyApi: true,
      password: true,
      loginToken: true,
      sso: true,
      identityProviders: [{ id: 'test-idp', name: 'Test identity provider' }],
      getLoginToken: true,
      oauthAwarePreferred: false,
      capabilities: null,
      oauth: { offered: false },
      warnings: [],
    })
    expect(d.versions).toContain('v1.11')
    expect(d.unstableFeatures['org.matrix.msc3882']).toBe(true)
  })

  it('reads the m.get_login_token capability when given an access token', async () => {
    const hs = await homeserver({ capabilitiesGetLoginToken: true })
    const login = await fetch(`${hs.url}/_matrix/client/v3/login`, {
      method: 'POST',
      body: JSON.stringify({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'wonderland' }),
    })
    const { access_token } = (await login.json()) as { access_token: string }
    expect((await discover(hs.url, { ...opts, accessToken: access_token })).capabilities).toEqual({ getLoginToken: true })
  })

  it('uses the input as the base URL when there is no well-known file (404)', async () => {
    const hs = await homeserver({ wellKnown: null })
    const d = await discover(`${hs.url}/`, opts)
    expect(d.wellKnown.status).toBe('absent')
    expect(d.baseUrl).toBe(hs.url)
  })

  it('goes where the well-known file points, with or without a trailing slash', async () => {
    const target = await homeserver()
    const front = await homeserver({ wellKnown: { 'm.homeserver': { base_url: `${target.url}/` }, 'm.identity_server': { base_url: 'https://id.example.org' } } })
    const d = await discover(front.url, opts)
    expect(d.baseUrl).toBe(target.url)
    expect(d.wellKnown).toMatchObject({ status: 'found', identityServerBaseUrl: 'https://id.example.org' })
    expect(target.requests.map((r) => r.endpoint)).toContain('versions')
  })

  it('lists every identity provider, ignores the application-service type, and honours oauth_aware_preferred', async () => {
    const hs = await homeserver({
      flows: {
        identityProviders: [
          { id: 'gh', name: 'GitHub', brand: 'github' },
          { id: 'corp', name: 'Corp SSO', icon: 'mxc://localhost/corp' },
        ],
        oauthAwarePreferred: true,
        applicationService: true,
      },
    })
    const d = await discover(hs.url, opts)
    expect(d.identityProviders).toEqual([
      { id: 'gh', name: 'GitHub', brand: 'github' },
      { id: 'corp', name: 'Corp SSO', icon: 'mxc://localhost/corp' },
    ])
    expect(d.oauthAwarePreferred).toBe(true)
    expect(d.loginTypes).not.toContain('m.login.application_service')
  })

  it('sees the OAuth 2.0 API and the account page on a server run by MAS', async () => {
    const hs = await homeserver({ mas: true })
    const d = await discover(hs.url, opts)
    expect(d.oauth).toMatchObject({ offered: true, accountManagementUrl: `${hs.url}/account/` })
    expect(d.oauth.accountManagementActions).toContain('org.matrix.device_delete')
    expect(d.oauth.metadata?.tokenEndpoint).toBe(`${hs.url}/oauth2/token`)
    expect(d.getLoginToken).toBe(false)
  })

  describe('the OAuth 2.0 API, by each way a server announces it', () => {
    const paths = (hs: TestHomeserver) => hs.requests.map((r) => r.path)

    it('prefers the stable auth_metadata, asking every way at once and the issuer nothing more', async () => {
      const hs = await homeserver({ oauth: true })
      const d = await discover(hs.url, opts)
      expect(d.oauth).toMatchObject({ offered: true, source: 'auth_metadata', accountManagementUrl: `${hs.url}/account/` })
      expect(d.oauth.metadata?.issuer).toBe(hs.oauth!.issuer)
      expect(d.oauth.metadata?.deviceAuthorizationEndpoint).toEqual(expect.any(String))
      expect(paths(hs)).toEqual(
        expect.arrayContaining([
          '/_matrix/client/v1/auth_metadata',
          '/_matrix/client/unstable/org.matrix.msc2965/auth_metadata',
          '/_matrix/client/unstable/org.matrix.msc2965/auth_issuer',
          '/_matrix/client/v3/login',
        ]),
      )
      expect(d.warnings).toEqual([])
    })

    it('follows MSC2965’s auth_issuer to the issuer’s OpenID discovery document', async () => {
      const hs = await homeserver({ oauth: { profile: 'auth-issuer' } })
      const d = await discover(hs.url, opts)
      expect(d.oauth).toMatchObject({ offered: true, source: 'auth_issuer', accountManagementUrl: `${hs.url}/account/` })
      expect(d.oauth.metadata?.tokenEndpoint).toBe(`${hs.oauth!.issuer}token`)
    })

    it('finds it in the well-known file alone (Synapse 1.97), where GET /login is 404 and only unstable scopes are listed', async () => {
      const hs = await homeserver({ oauth: { profile: 'well-known' } })
      const d = await discover(hs.url, opts)
      expect(d.oauth).toMatchObject({ offered: true, source: 'well_known' })
      expect(d.legacyApi).toBe(false)
      expect(d.oauth.metadata?.scopesSupported).toEqual(['openid', 'urn:matrix:org.matrix.msc2967.client:api:*'])
      expect(d.warnings).toEqual([])
    })

    it('asks nothing of an issuer on an ordinary server, and offers no OAuth there', async () => {
      const hs = await homeserver()
      const d = await discover(hs.url, opts)
      expect(d.oauth).toEqual({ offered: false })
      expect(hs.requests.filter((r) => r.status === 200).map((r) => r.endpoint).sort()).toEqual(['loginFlows', 'versions', 'wellKnown'])
    })
  })

  it('reads an r0-only server through the r0 paths and says it is old', async () => {
    const hs = await homeserver({ versions: ['r0.5.0', 'r0.6.1'] })
    const d = await discover(hs.url, opts)
    expect(d.r0Only).toBe(true)
    expect(d.password).toBe(true)
    expect(d.warnings.join(' ')).toMatch(/old Matrix version/)
    expect(hs.requests.find((r) => r.endpoint === 'loginFlows')?.path).toBe('/_matrix/client/r0/login')
  })

  it('still answers when the sign-in methods cannot be read, with a warning', async () => {
    const hs = await homeserver()
    hs.setFault('loginFlows', { kind: 'status', status: 503 })
    const d = await discover(hs.url, opts)
    expect(d.legacyApi).toBe(false)
    expect(d.warnings).toEqual([expect.stringMatching(/^The sign-in methods could not be read: .*HTTP 503/)])
  })

  it('warns when the server offers no sign-in method Latchkey supports', async () => {
    const hs = await homeserver({ flows: { password: false, token: false, sso: false, applicationService: true } })
    const d = await discover(hs.url, opts)
    expect(d.loginTypes).toEqual([])
    expect(d.warnings).toEqual([`${new URL(hs.url).host} offers no sign-in method Latchkey supports.`])
  })

  describe('the spec’s failure rules', () => {
    it.each([
      ['a body that is not JSON', { kind: 'malformed-json' } as const],
      ['a server error', { kind: 'status', status: 500 } as const],
      ['an HTML error page', { kind: 'html' } as const],
    ])('FAIL_PROMPT for a well-known file with %s', async (_what, fault) => {
      const hs = await homeserver()
      hs.setFault('wellKnown', fault)
      const e = await rejection(discover(hs.url, opts))
      expect(e).toMatchObject({ kind: 'discovery', discovery: 'FAIL_PROMPT' })
      expect(e.message).toMatch(/publishes a discovery file .* that cannot be used: .* Enter the homeserver’s URL instead\.$/)
    })

    it('FAIL_PROMPT for a well-known file without m.homeserver.base_url', async () => {
      specCheck = false // the server's answer breaks the spec on purpose
      const hs = await homeserver({ wellKnown: { 'm.homeserver': {} } })
      expect((await rejection(discover(hs.url, opts))).discovery).toBe('FAIL_PROMPT')
    })

    it('FAIL_ERROR for a base_url that is not a URL', async () => {
      specCheck = false // the server's answer breaks the spec on purpose
      const hs = await homeserver({ wellKnown: { 'm.homeserver': { base_url: 'not a url' } } })
      const e = await rejection(discover(hs.url, opts))
      expect(e).toMatchObject({ kind: 'discovery', discovery: 'FAIL_ERROR' })
      expect(e.message).toBe(`${new URL(hs.url).host} names “not a url” as its homeserver, which is not a valid http(s) URL.`)
    })

    it('FAIL_ERROR for a base_url where nothing answers', async () => {
      const port = await closedPort()
      const hs = await homeserver({ wellKnown: { 'm.homeserver': { base_url: `http://127.0.0.1:${port}` } } })
      const e = await rejection(discover(hs.url, opts))
      expect(e).toMatchObject({ kind: 'discovery', discovery: 'FAIL_ERROR' })
      expect(e.message).toBe(`${new URL(hs.url).host} names http://127.0.0.1:${port} as its homeserver, but that does not answer as one: could not reach 127.0.0.1:${port}: the connection was refused.`)
    })

    it('FAIL_ERROR for a base_url whose /versions is not a homeserver’s', async () => {
      const other = await homeserver()
      other.setFault('versions', { kind: 'html' })
      const front = await homeserver({ wellKnown: { 'm.homeserver': { base_url: other.url } } })
      const e = await rejection(discover(front.url, opts))
      expect(e).toMatchObject({ kind: 'discovery', discovery: 'FAIL_ERROR', status: 502 })
    })
  })

  it('says plainly that nothing answers at a URL', async () => {
    const port = await closedPort()
    const e = await rejection(discover(`http://127.0.0.1:${port}`, opts))
    expect(e).toMatchObject({ kind: 'network' })
    expect(e.message).toBe(`Could not reach 127.0.0.1:${port}: the connection was refused.`)
  })

  it('reads a server name as https: a plain-http server on that port fails the secure connection', async () => {
    const hs = await homeserver()
    const port = new URL(hs.url).port
    const e = await rejection(discover(`127.0.0.1:${port}`, opts))
    expect(e.kind).toBe('network')
    expect(e.message).toMatch(new RegExp(`^Could not reach 127\\.0\\.0\\.1:${port} securely`))
  })

  it('refuses input that is not a server', async () => {
    expect((await rejection(discover('not a server'))).kind).toBe('invalid-input')
  })
})
