import { describe, expect, it } from 'vitest'
import { MatrixClient } from './client'
import { rejection, useHomeserver } from '../../../test/matrix/kit'

describe('MatrixClient against the test homeserver', () => {
  const kit = useHomeserver()

  describe('sign-in methods', () => {
    it('lists password, token with get_login_token, and SSO with its identity provider', async () => {
      const flows = await kit.client().loginFlows()
      expect(flows.map((f) => f.type).sort()).toEqual(['m.login.password', 'm.login.sso', 'm.login.token'])
      expect(flows.find((f) => f.type === 'm.login.token')?.getLoginToken).toBe(true)
      expect(flows.find((f) => f.type === 'm.login.sso')?.identityProviders).toEqual([{ id: 'test-idp', name: 'Test identity provider' }])
    })
  })

  describe('signing in', () => {
    it('signs in with a user id and password and adopts the session', async () => {
      const client = kit.client()
      const r = await client.login({ type: 'password', identifier: { kind: 'user', user: 'alice' }, password: 'wonderland', refreshToken: false })
      expect(r.userId).toBe('@alice:localhost')
      expect(r.deviceId).toMatch(/\S/)
      expect(r.refreshToken).toBeUndefined()
      expect(client.signedIn).toBe(true)
      expect(await client.whoami()).toEqual({ userId: '@alice:localhost', deviceId: r.deviceId, isGuest: false })
    })

    it('signs in with an email address and with a phone number', async () => {
      const byEmail = await kit.client().login({ type: 'password', identifier: { kind: 'email', address: 'bob@example.org' }, password: 'builder' })
      const byPhone = await kit.client().login({ type: 'password', identifier: { kind: 'phone', country: 'GB', phone: '7700 900123' }, password: 'builder' })
      expect([byEmail.userId, byPhone.userId]).toEqual(['@bob:localhost', '@bob:localhost'])
      const sent = kit.hs.requests.filter((r) => r.endpoint === 'login').map((r) => (r.body as { identifier: unknown }).identifier)
      expect(sent).toEqual([
        { type: 'm.id.thirdparty', medium: 'email', address: 'bob@example.org' },
        { type: 'm.id.phone', country: 'GB', phone: '7700 900123' },
      ])
    })

    it('asks for a refresh token by default and turns expires_in_ms into an expiry time', async () => {
      const before = Date.now()
      const r = await kit.client().login({ type: 'password', identifier: { kind: 'user', user: 'alice' }, password: 'wonderland' })
      expect(r.refreshToken).toMatch(/\S/)
      expect(r.expiresAt).toBeGreaterThan(before)
      expect((kit.hs.requests.find((q) => q.endpoint === 'login')?.body as Record<string, unknown>).refresh_token).toBe(true)
    })

    it('names the device and reuses a device id when asked', async () => {
      const first = await kit.client().login({ type: 'password', identifier: { kind: 'user', user: 'alice' }, password: 'wonderland', initialDeviceDisplayName: 'Latchkey on test' })
      expect(kit.hs.devicesOf('alice').find((d) => d.deviceId === first.deviceId)?.displayName).toBe('Latchkey on test')
      const again = await kit.client().login({ type: 'password', identifier: { kind: 'user', user: 'alice' }, password: 'wonderland', deviceId: first.deviceId })
      expect(again.deviceId).toBe(first.deviceId)
      expect(kit.hs.devicesOf('alice')).toHaveLength(1)
    })

    it('says the server refused the user name or password, without repeating the password', async () => {
      const e = await rejection(kit.client().login({ type: 'password', identifier: { kind: 'user', user: 'alice' }, password: 'not-the-password' }))
      expect(e).toMatchObject({ kind: 'http', status: 403, errcode: 'M_FORBIDDEN', endpoint: 'login' })
      expect(e.message).toBe(`${new URL(kit.hs.url).host} refused the user name or password.`)
      expect(JSON.stringify(e)).not.toContain('not-the-password')
    })

    it('signs in once with a login token, and says a used token was refused', async () => {
      const token = kit.hs.mintLoginToken('alice')
      const r = await kit.client().login({ type: 'token', token })
      expect(r.userId).toBe('@alice:localhost')
      const e = await rejection(kit.client().login({ type: 'token', token }))
      expect(e).toMatchObject({ kind: 'http', errcode: 'M_FORBIDDEN' })
      expect(e.message).toMatch(/refused the login token: it has expired or was already used\.$/)
      expect(e.message).not.toContain(token)
    })
  })

  describe('signing out', () => {
    it('ends the session and forgets the token', async () => {
      const client = await kit.signedIn()
      const token = kit.hs.requests.find((r) => r.endpoint === 'login')?.responseBody as { access_token: string; device_id: string }
      await client.logout()
      expect(client.signedIn).toBe(false)
      expect(kit.hs.devicesOf('alice').map((d) => d.deviceId)).not.toContain(token.device_id)
      const stale = kit.client({ credentials: { accessToken: token.access_token } })
      const e = await rejection(stale.whoami())
      expect(e).toMatchObject({ kind: 'logged-out', softLogout: false, errcode: 'M_UNKNOWN_TOKEN' })
    })

    it('signs out every device', async () => {
      const one = await kit.signedIn()
      const two = await kit.signedIn()
      await one.logoutAll()
      expect(kit.hs.devicesOf('alice')).toEqual([])
      expect((await rejection(two.whoami())).kind).toBe('logged-out')
    })
  })

  describe('login tokens', () => {
    it('makes a login token through the password stage, and another device signs in with it', async () => {
      const client = await kit.signedIn()
      const before = Date.now()
      const t = await client.getLoginToken({ password: 'wonderland' })
      expect(t.expiresInMs).toBe(120_000)
      expect(t.expiresAt).toBeGreaterThanOrEqual(before + 120_000)
      const other = await kit.client().login({ type: 'token', token: t.loginToken })
      expect(other.userId).toBe('@alice:localhost')
    })

    it('reports the capability', async () => {
      expect((await (await kit.signedIn()).capabilities()).getLoginToken).toBe(true)
    })
  })

  describe('devices', () => {
    it('lists, reads and renames devices', async () => {
      const client = await kit.signedIn()
      const [me] = await client.devices()
      expect(me?.deviceId).toMatch(/\S/)
      const id = me!.deviceId
      await client.updateDevice(id, { displayName: 'Renamed by a test' })
      expect(await client.getDevice(id)).toMatchObject({ deviceId: id, displayName: 'Renamed by a test' })
    })

    it('reads 10,000 devices', async () => {
      kit.hs.addDevices('alice', 10_000)
      const list = await (await kit.signedIn()).devices()
      expect(list).toHaveLength(10_001)
    })

    it('says there is no such device', async () => {
      const e = await rejection((await kit.signedIn()).getDevice('NOSUCHDEVICE'))
      expect(e).toMatchObject({ kind: 'http', status: 404, errcode: 'M_NOT_FOUND' })
      expect(e.message).toBe(`There is no such device on ${new URL(kit.hs.url).host}.`)
    })

    it('deletes one device and several devices with the password stage', async () => {
      const client = await kit.signedIn()
      const others = await Promise.all([kit.signedIn(), kit.signedIn(), kit.signedIn()])
      const ids = await Promise.all(others.map(async (c) => (await c.whoami()).deviceId!))
      await client.deleteDevice(ids[0]!, { password: 'wonderland' })
      await client.deleteDevices([ids[1]!, ids[2]!], { password: 'wonderland' })
      const left = kit.hs.devicesOf('alice').map((d) => d.deviceId)
      expect(left).toHaveLength(1)
      for (const id of ids) expect(left).not.toContain(id)
    })
  })

  describe('profile and avatar', () => {
    it('reads a profile and its avatar thumbnail', async () => {
      const client = await kit.signedIn()
      const p = await client.profile('@alice:localhost')
      expect(p).toEqual({ displayName: 'Alice', avatarUrl: 'mxc://localhost/aliceavatar' })
      const t = await client.thumbnail(p.avatarUrl!, { width: 64, height: 64, method: 'crop' })
      expect(t.contentType).toBe('image/png')
      expect([...t.bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47])
      const q = kit.hs.requests.find((r) => r.endpoint === 'thumbnail')
      expect(q?.path).toBe('/_matrix/client/v1/media/thumbnail/localhost/aliceavatar')
      expect(q?.query).toEqual({ width: '64', height: '64', method: 'crop' })
    })

    it('says when a user has no profile', async () => {
      const e = await rejection((await kit.signedIn()).profile('@nobody:localhost'))
      expect(e).toMatchObject({ kind: 'http', status: 404, errcode: 'M_NOT_FOUND' })
    })

    it('refuses a picture address that is not an mxc URI', async () => {
      expect((await rejection((await kit.signedIn()).thumbnail('https://x/y', { width: 1, height: 1 }))).kind).toBe('invalid-input')
    })
  })

  describe('OAuth 2.0 metadata', () => {
    it('says a server without the OAuth 2.0 API does not offer it', async () => {
      const e = await rejection(kit.client().authMetadata())
      expect(e).toMatchObject({ kind: 'unsupported', status: 404, errcode: 'M_UNRECOGNIZED' })
      expect(e.message).toBe(`${new URL(kit.hs.url).host} does not offer the OAuth 2.0 API.`)
    })
  })

  describe('versions', () => {
    it('fetches versions once, on the first call, when discovery did not supply them', async () => {
      const client = new MatrixClient({ baseUrl: kit.hs.url })
      await Promise.all([client.loginFlows(), client.loginFlows()])
      expect(kit.hs.requests.filter((r) => r.endpoint === 'versions')).toHaveLength(1)
      expect((await client.versions()).versions).toContain('v1.1')
    })
  })

  it('sends the access token only in the Authorization header', async () => {
    const client = await kit.signedIn()
    await client.whoami()
    await client.devices()
    const authed = kit.hs.requests.filter((r) => r.endpoint === 'whoami' || r.endpoint === 'devices')
    expect(authed).toHaveLength(2)
    for (const r of authed) {
      expect(r.headers.authorization).toMatch(/^Bearer \S+$/)
      expect(Object.keys(r.query)).not.toContain('access_token')
    }
  })
})
