import { afterEach, describe, expect, it } from 'vitest'
import { startHomeserver, type TestHomeserver } from '../../../test/homeserver'
import { MatrixClient, MatrixError, Transport } from '../matrix'
import { credentialsFrom } from './credentials'
import { signInWithLoginToken } from './login-token'
import { signInWithPassword } from './password'
import { signInWithSso } from './sso-sign-in'
import { browse } from '../../../test/sso/browser'

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

describe('signInWithSso', () => {
  const browser = (userId: string) => {
    const opened: string[] = []
    return {
      opened,
      openExternal: async (url: string) => {
        opened.push(url)
        void browse(url, { fields: { user: userId } }).catch(() => {})
      },
    }
  }

  it('yields Credentials from the browser, and the client adopts the session', async () => {
    hs = await startHomeserver({ users: [{ localpart: 'carol' }] })
    const c = client(hs.url)
    const pending = await signInWithSso(c, { openExternal: browser('@carol:localhost').openExternal, deviceName: 'Test' })
    const credentials = await pending.done
    expect(credentials).toMatchObject({ userId: '@carol:localhost', homeserverUrl: hs.url })
    expect(credentials.refreshToken).toBeTruthy()
    await expect(c.whoami()).resolves.toMatchObject({ userId: '@carol:localhost', deviceId: credentials.deviceId })
    expect(hs.requests.find((r) => r.endpoint === 'login')?.body).toMatchObject({ type: 'm.login.token', initial_device_display_name: 'Test' })
    await pending.closed
  })

  it('hands keep the Credentials once the client holds the session', async () => {
    hs = await startHomeserver({ users: [{ localpart: 'carol' }] })
    const c = client(hs.url)
    const seen: string[] = []
    const pending = await signInWithSso(c, {
      openExternal: browser('@carol:localhost').openExternal,
      keep: async (credentials) => {
        seen.push(credentials.userId, (await c.whoami()).userId)
      },
    })
    await pending.done
    expect(seen).toEqual(['@carol:localhost', '@carol:localhost'])
  })

  it('keeps the device id when asked to', async () => {
    hs = await startHomeserver({ users: [{ localpart: 'carol' }] })
    const first = await (await signInWithSso(client(hs.url), { openExternal: browser('@carol:localhost').openExternal })).done
    const again = await (await signInWithSso(client(hs.url), { openExternal: browser('@carol:localhost').openExternal, deviceId: first.deviceId })).done
    expect(again.deviceId).toBe(first.deviceId)
  })

  it('names the identity provider in the redirect path, escaped', async () => {
    hs = await startHomeserver({ users: [{ localpart: 'carol' }] })
    const person = { opened: [] as string[], openExternal: async (url: string) => void person.opened.push(url) }
    const pending = await signInWithSso(client(hs.url), {
      openExternal: person.openExternal,
      idpId: 'oidc/github',
      identityProviders: [{ id: 'oidc/github', name: 'GitHub' }],
    })
    pending.cancel()
    await expect(pending.done).rejects.toMatchObject({ name: 'SsoError', code: 'cancelled' })
    await pending.closed
    expect(new URL(person.opened[0]!).pathname).toBe('/_matrix/client/v3/login/sso/redirect/oidc%2Fgithub')
  })
})
