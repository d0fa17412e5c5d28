import { createHash, randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { browse } from '../sso/browser'
import { call, useHomeserver } from './fixtures'
import type { TestHomeserver } from './types'

// The OAuth mode over plain HTTP, without Latchkey: what a client meets on each profile.

const REDIRECT = 'http://127.0.0.1/oauth/callback'
const API = 'urn:matrix:client:api:*'
const UNSTABLE_API = 'urn:matrix:org.matrix.msc2967.client:api:*'

async function form(url: string, fields: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() })
  const text = await response.text()
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
}

async function register(metadata: Record<string, unknown>): Promise<string> {
  const response = await fetch(String(metadata['registration_endpoint']), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      client_name: 'Latchkey',
      client_uri: 'https://github.com/latchkey-app/latchkey',
      application_type: 'native',
      redirect_uris: [REDIRECT],
      grant_types: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    }),
  })
  expect(response.status).toBe(201)
  return String(((await response.json()) as Record<string, unknown>)['client_id'])
}

/** A redirect target on a loopback port: answers 200 and remembers what came back. */
function callbackCatcher() {
  let server: Server | undefined
  const seen: URL[] = []
  return {
    seen,
    async start(): Promise<number> {
      server = createServer((req, res) => {
        seen.push(new URL(req.url ?? '/', 'http://127.0.0.1'))
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok')
      })
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
      return (server.address() as { port: number }).port
    },
    stop: () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  }
}

async function codeSignIn(hs: TestHomeserver, metadata: Record<string, unknown>, scope: string, who = { username: 'alice', password: 'wonderland' }) {
  const clientId = await register(metadata)
  const catcher = callbackCatcher()
  const port = await catcher.start()
  try {
    const verifier = randomBytes(32).toString('base64url')
    const challenge = createHash('sha256').update(verifier).digest('base64url')
    const redirectUri = `http://127.0.0.1:${port}/oauth/callback`
    const authorize = new URL(String(metadata['authorization_endpoint']))
    for (const [k, v] of Object.entries({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope, state: 'the-state-0123456789', code_challenge: challenge, code_challenge_method: 'S256' })) {
      authorize.searchParams.set(k, v)
    }
    await browse(authorize.href, { fields: who })
    const back = catcher.seen[0]
    expect(back?.searchParams.get('state')).toBe('the-state-0123456789')
    const code = back?.searchParams.get('code') ?? ''
    const tokens = await form(String(metadata['token_endpoint']), { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier })
    return { clientId, tokens, code, redirectUri, verifier }
  } finally {
    await catcher.stop()
  }
}

describe('the OAuth mode with auth_metadata (spec v1.15)', () => {
  const t = useHomeserver({ oauth: true })
  let metadata: Record<string, unknown>
  beforeEach(async () => {
    metadata = (await call(t.hs, 'GET', '/_matrix/client/v1/auth_metadata')).body
  })

  it('serves the issuer metadata with registration, revocation, the device grant and the account page', () => {
    expect(metadata['issuer']).toBe(t.hs.oauth!.issuer)
    expect(metadata['code_challenge_methods_supported']).toEqual(['S256'])
    expect(metadata['grant_types_supported']).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code']))
    expect(metadata['account_management_uri']).toBe(`${t.hs.url}/account/`)
    expect(metadata['account_management_actions_supported']).toContain('org.matrix.device_delete')
    expect(metadata['device_authorization_endpoint']).toEqual(expect.any(String))
    expect(metadata['prompt_values_supported']).toContain('create')
  })

  it('signs in through the login page and accepts the token for the device the scope names', async () => {
    const { tokens } = await codeSignIn(t.hs, metadata, `${API} urn:matrix:client:device:LATCHKEY0001`)
    expect(tokens.status).toBe(200)
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', refresh_token: expect.any(String), expires_in: 300 })
    const me = await call(t.hs, 'GET', '/_matrix/client/v3/account/whoami', { token: String(tokens.body['access_token']) })
    expect(me.body).toMatchObject({ user_id: '@alice:localhost', device_id: 'LATCHKEY0001' })
    expect(t.hs.devicesOf('alice').map((d) => d.deviceId)).toContain('LATCHKEY0001')
  })

  it('refuses a code exchanged with the wrong PKCE verifier, and a code used twice', async () => {
    const { clientId, code, redirectUri } = await (async () => {
      // Sign in but keep the code for a wrong verifier.
      const r = await codeSignIn(t.hs, metadata, `${API} urn:matrix:client:device:LATCHKEY0002`)
      return r
    })()
    const again = await form(String(metadata['token_endpoint']), { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, code_verifier: randomBytes(32).toString('base64url') })
    expect(again.status).toBe(400)
    expect(again.body['error']).toBe('invalid_grant')
  })

  it('rotates refresh tokens, refuses a spent one, and revocation ends the session and its device', async () => {
    const { tokens, clientId } = await codeSignIn(t.hs, metadata, `${API} urn:matrix:client:device:LATCHKEY0003`)
    const first = String(tokens.body['refresh_token'])
    const rotated = await form(String(metadata['token_endpoint']), { grant_type: 'refresh_token', refresh_token: first, client_id: clientId })
    expect(rotated.status).toBe(200)
    expect(rotated.body['refresh_token']).not.toBe(first)
    const access = String(rotated.body['access_token'])
    expect((await call(t.hs, 'GET', '/_matrix/client/v3/account/whoami', { token: access })).status).toBe(200)
    const revoked = await form(String(metadata['revocation_endpoint']), { token: access, token_type_hint: 'access_token', client_id: clientId })
    expect(revoked.status).toBe(200)
    const after = await call(t.hs, 'GET', '/_matrix/client/v3/account/whoami', { token: access })
    expect([after.status, after.body.errcode]).toEqual([401, 'M_UNKNOWN_TOKEN'])
    const refreshAfter = await form(String(metadata['token_endpoint']), { grant_type: 'refresh_token', refresh_token: String(rotated.body['refresh_token']), client_id: clientId })
    expect(refreshAfter.body['error']).toBe('invalid_grant')
    expect(t.hs.devicesOf('alice').map((d) => d.deviceId)).not.toContain('LATCHKEY0003')
  })

  it('answers /logout 404 M_UNRECOGNIZED for an OAuth token, and the session survives', async () => {
    const { tokens } = await codeSignIn(t.hs, metadata, `${API} urn:matrix:client:device:LATCHKEY0004`)
    const token = String(tokens.body['access_token'])
    const logout = await call(t.hs, 'POST', '/_matrix/client/v3/logout', { body: {}, token })
    expect([logout.status, logout.body.errcode]).toEqual([404, 'M_UNRECOGNIZED'])
    expect((await call(t.hs, 'GET', '/_matrix/client/v3/account/whoami', { token })).status).toBe(200)
  })

  it('signs a device out from the account page deep link, ending its token', async () => {
    const { tokens } = await codeSignIn(t.hs, metadata, `${API} urn:matrix:client:device:LATCHKEY0005`)
    const page = await browse(`${t.hs.url}/account/?action=org.matrix.device_delete&device_id=LATCHKEY0005`, { fields: { username: 'alice', password: 'wonderland' } })
    expect(page.text).toContain('The device LATCHKEY0005 is signed out')
    const after = await call(t.hs, 'GET', '/_matrix/client/v3/account/whoami', { token: String(tokens.body['access_token']) })
    expect(after.status).toBe(401)
  })

  it('runs the device authorisation grant: pending, then tokens once the person confirms the code', async () => {
    const clientId = await register(metadata)
    const started = await form(String(metadata['device_authorization_endpoint']), { client_id: clientId, scope: `${API} urn:matrix:client:device:LATCHKEY0006` })
    expect(started.body).toMatchObject({ user_code: expect.any(String), verification_uri_complete: expect.any(String), interval: 5 })
    const poll = () => form(String(metadata['token_endpoint']), { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: String(started.body['device_code']), client_id: clientId })
    expect((await poll()).body['error']).toBe('authorization_pending')
    expect((await poll()).body['error']).toBe('slow_down')
    const page = await browse(String(started.body['verification_uri_complete']), { forms: 3, fields: { username: 'alice', password: 'wonderland' } })
    expect(page.text).toContain('Device connected')
    await new Promise((resolve) => setTimeout(resolve, 4100))
    const done = await poll()
    expect(done.status).toBe(200)
    expect((await call(t.hs, 'GET', '/_matrix/client/v3/account/whoami', { token: String(done.body['access_token']) })).body.device_id).toBe('LATCHKEY0006')
  })
})

describe('the OAuth mode that predates v1.15 (auth_issuer only)', () => {
  const t = useHomeserver({ oauth: { profile: 'auth-issuer' } })

  it('answers only the unstable auth_issuer, pointing at the issuer', async () => {
    expect((await call(t.hs, 'GET', '/_matrix/client/v1/auth_metadata')).status).toBe(404)
    expect((await call(t.hs, 'GET', '/_matrix/client/unstable/org.matrix.msc2965/auth_metadata')).status).toBe(404)
    expect((await call(t.hs, 'GET', '/_matrix/client/unstable/org.matrix.msc2965/auth_issuer')).body).toEqual({ issuer: t.hs.oauth!.issuer })
  })
})

describe('the OAuth mode of Synapse 1.97 with delegated authentication (well-known only)', () => {
  const t = useHomeserver({ oauth: { profile: 'well-known' } })

  it('says it only in the well-known file, and GET /login is 404', async () => {
    const wellKnown = await call(t.hs, 'GET', '/.well-known/matrix/client')
    expect(wellKnown.body['org.matrix.msc2965.authentication']).toEqual({ issuer: t.hs.oauth!.issuer, account: `${t.hs.url}/account/` })
    expect((await call(t.hs, 'GET', '/_matrix/client/v3/login')).status).toBe(404)
    expect((await call(t.hs, 'GET', '/_matrix/client/unstable/org.matrix.msc2965/auth_issuer')).status).toBe(404)
  })

  it('accepts a token with the unstable scope and refuses one with only the stable scope', async () => {
    const metadata = (await (await fetch(`${t.hs.oauth!.issuer}.well-known/openid-configuration`)).json()) as Record<string, unknown>
    expect(metadata['scopes_supported']).toEqual(['openid', UNSTABLE_API])
    const stable = await codeSignIn(t.hs, metadata, `${API} urn:matrix:client:device:LATCHKEY0007`)
    expect((await call(t.hs, 'GET', '/_matrix/client/v3/account/whoami', { token: String(stable.tokens.body['access_token']) })).status).toBe(401)
    const unstable = await codeSignIn(t.hs, metadata, `${UNSTABLE_API} urn:matrix:org.matrix.msc2967.client:device:LATCHKEY0008`)
    expect((await call(t.hs, 'GET', '/_matrix/client/v3/account/whoami', { token: String(unstable.tokens.body['access_token']) })).body.device_id).toBe('LATCHKEY0008')
  })
})

afterEach(() => {})
