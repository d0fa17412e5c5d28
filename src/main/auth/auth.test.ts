import { afterEach, describe, expect, it } from 'vitest'
import { startHomeserver, type TestHomeserver } from '../../../test/homeserver'
import { MatrixClient, MatrixError, Transport } from '../matrix'
import { credentialsFrom } from './credentials'
import { signInWithLoginToken } from './login-token'
import { signInWithPassword } from './password'
import { ssoRedirectUrl } from './sso'

let hs: TestHomeserver | undefined
afterEach(async () => hs?.close())

const client = (url: string) => new MatrixClient({ baseUrl: url, transport: new Transport({ timeoutMs: 3000 }) })

describe('signing in', () => {
  it('yields Credentials with a refresh token and expiry from a password', async () => {
    hs = await startHomeserver({ users: [{ localpart: 'alice', password: 'pw' }], accessTokenLifetimeMs: 60_000 })
    const before = Date.now()
    const c = await signInWithPassword(client(hs.url), { identifier: { kind: 'user', user: 'alice' }, password: 'pw', deviceName: 'Test' })
    expect(c).toMatchObject({ userId: '@alice:localhost', homeserverUrl: hs.url })
    expect(c.refreshToken).toBeTruthy()
    expect(c.expiresAt).toBeGreaterThanOrEqual(before + 60_000)
    expect(hs.requests.find((r) => r.endpoint === 'login')?.body).toMatchObject({ refresh_token: true, initial_device_display_name: 'Test' })
  })

  it('keeps the device id when asked to, with a login token', async () => {
    hs = await startHomeserver({ users: [{ localpart: 'bob', password: 'pw' }] })
    const first = await signInWithLoginToken(client(hs.url), { token: hs.mintLoginToken('bob') })
    const again = await signInWithLoginToken(client(hs.url), { token: hs.mintLoginToken('bob'), deviceId: first.deviceId })
    expect(again.deviceId).toBe(first.deviceId)
  })

  it('throws the protocol layer\'s MatrixError, without the password in it', async () => {
    hs = await startHomeserver({ users: [{ localpart: 'alice', password: 'pw' }] })
    const error = await signInWithPassword(client(hs.url), { identifier: { kind: 'user', user: 'alice' }, password: 'secret-wrong' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MatrixError)
    expect((error as MatrixError).message).not.toContain('secret-wrong')
  })
})

describe('credentialsFrom', () => {
  const c = new MatrixClient({ baseUrl: 'https://matrix.example.org' })
  const result = { userId: '@a:example.org', deviceId: 'D', accessToken: 't' }

  it('follows an http(s) well_known base URL from the login answer', () => {
    expect(credentialsFrom(c, { ...result, wellKnownBaseUrl: 'https://hs.example.org/' }).homeserverUrl).toBe('https://hs.example.org')
  })

  it('ignores a well_known that is not http(s) or carries a user name', () => {
    expect(credentialsFrom(c, { ...result, wellKnownBaseUrl: 'javascript:alert(1)' }).homeserverUrl).toBe('https://matrix.example.org')
    expect(credentialsFrom(c, { ...result, wellKnownBaseUrl: 'https://u:p@evil.example' }).homeserverUrl).toBe('https://matrix.example.org')
  })
})

describe('ssoRedirectUrl', () => {
  it('names the identity provider and the loopback redirect', () => {
    const url = new URL(ssoRedirectUrl('https://hs.example.org/', 'http://127.0.0.1:5000/sso/abc', { idpId: 'oidc/github' }))
    expect(url.pathname).toBe('/_matrix/client/v3/login/sso/redirect/oidc%2Fgithub')
    expect(url.searchParams.get('redirectUrl')).toBe('http://127.0.0.1:5000/sso/abc')
  })

  it('uses the r0 path on servers that speak only r0', () => {
    expect(ssoRedirectUrl('https://hs.example.org', 'http://127.0.0.1:1/x', { r0Only: true })).toMatch(/\/_matrix\/client\/r0\/login\/sso\/redirect\?/)
  })
})
