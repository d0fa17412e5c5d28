import { describe, expect, it } from 'vitest'
import type { Credentials } from './client'
import { rejection, useHomeserver } from '../../../test/matrix/kit'

// M_UNKNOWN_TOKEN: renew with the refresh token (once, for every concurrent caller, persisted
// before use) and retry; otherwise soft or hard logout. M_USER_LOCKED is its own state.

describe('session renewal and logout states', () => {
  const kit = useHomeserver()

  it('renews an expired token, persists the new one before using it, and retries the call', async () => {
    const persisted: Credentials[] = []
    const client = await kit.signedIn('alice', 'wonderland', {
      refreshToken: true,
      onCredentials: async (c) => {
        // At this moment nothing may have been sent with the new token yet.
        expect(kit.hs.requests.some((r) => r.headers.authorization === `Bearer ${c.accessToken}`)).toBe(false)
        persisted.push(c)
      },
    })
    kit.hs.expireAccessTokens('alice')
    expect((await client.whoami()).userId).toBe('@alice:localhost')
    expect(persisted).toHaveLength(1)
    const [renewed] = persisted
    expect(renewed?.refreshToken).toMatch(/\S/)
    expect(renewed?.expiresAt).toBeGreaterThan(Date.now())
    const whoamis = kit.hs.requests.filter((r) => r.endpoint === 'whoami')
    expect(whoamis.map((r) => r.status)).toEqual([401, 200])
    expect(whoamis[1]?.headers.authorization).toBe(`Bearer ${renewed?.accessToken}`)
  })

  it('renews once for many calls that fail at the same time', async () => {
    let saves = 0
    const client = await kit.signedIn('alice', 'wonderland', { refreshToken: true, onCredentials: async () => void saves++ })
    kit.hs.expireAccessTokens('alice')
    const results = await Promise.all([client.whoami(), client.devices(), client.capabilities(), client.whoami(), client.profile('@alice:localhost'), client.devices()])
    expect(results).toHaveLength(6)
    expect(kit.hs.requests.filter((r) => r.endpoint === 'refresh')).toHaveLength(1)
    expect(saves).toBe(1)
  })

  it('renews before the call when the token is known to have expired', async () => {
    let offset = 0
    const client = await kit.signedIn('alice', 'wonderland', { refreshToken: true, transport: { now: () => Date.now() + offset } })
    offset = 10 * 60_000
    await client.devices()
    expect(kit.hs.requests.map((r) => `${r.endpoint} ${r.status}`)).toEqual(['login 200', 'refresh 200', 'devices 200'])
  })

  it('does not use renewed tokens it could not persist, and can renew again later', async () => {
    let fail = true
    const client = await kit.signedIn('alice', 'wonderland', {
      refreshToken: true,
      onCredentials: async () => {
        if (fail) throw new Error('keychain locked')
      },
    })
    kit.hs.expireAccessTokens('alice')
    const e = await rejection(client.whoami())
    expect(e).toMatchObject({ kind: 'persist', endpoint: 'refresh' })
    expect(e.message).toBe(`The renewed session for ${new URL(kit.hs.url).host} could not be saved, so it was not used.`)
    fail = false
    expect((await client.whoami()).userId).toBe('@alice:localhost')
  })

  it('an explicit refresh rotates the tokens and the old access token stops being used', async () => {
    const client = await kit.signedIn('alice', 'wonderland', { refreshToken: true })
    const loginBody = kit.hs.requests.find((r) => r.endpoint === 'login')?.responseBody as { access_token: string }
    const renewed = await client.refresh()
    expect(renewed.accessToken).not.toBe(loginBody.access_token)
    await client.whoami()
    expect(kit.hs.requests.at(-1)?.headers.authorization).toBe(`Bearer ${renewed.accessToken}`)
  })

  it('reports soft logout (keep the device) when there is no refresh token', async () => {
    const client = await kit.signedIn()
    kit.hs.softLogout('alice')
    const e = await rejection(client.whoami())
    expect(e).toMatchObject({ kind: 'logged-out', errcode: 'M_UNKNOWN_TOKEN', softLogout: true, status: 401 })
    expect(e.message).toBe(`The session on ${new URL(kit.hs.url).host} has expired; sign in again to continue on this device.`)
  })

  it('reports soft logout when the renewal itself says soft_logout', async () => {
    const client = await kit.signedIn('alice', 'wonderland', { refreshToken: true })
    kit.hs.softLogout('alice')
    const e = await rejection(client.devices())
    expect(e).toMatchObject({ kind: 'logged-out', softLogout: true, endpoint: 'devices' })
    expect(kit.hs.requests.filter((r) => r.endpoint === 'refresh').map((r) => r.status)).toEqual([401])
  })

  it('reports hard logout when the device was signed out elsewhere, even with a refresh token', async () => {
    const client = await kit.signedIn('alice', 'wonderland', { refreshToken: true })
    const me = (await client.whoami()).deviceId!
    await (await kit.signedIn()).deleteDevice(me, { password: 'wonderland' })
    const e = await rejection(client.whoami())
    expect(e).toMatchObject({ kind: 'logged-out', softLogout: false })
    expect(e.message).toBe(`The session on ${new URL(kit.hs.url).host} has ended (signed out or revoked on the server); sign in again.`)
  })

  it('reports hard logout for a refresh token the server does not know', async () => {
    const client = kit.client({ credentials: { accessToken: 'syt_bogus_access', refreshToken: 'syt_bogus_refresh' } })
    const e = await rejection(client.whoami())
    expect(e).toMatchObject({ kind: 'logged-out', softLogout: false })
  })

  it('reports a locked account as its own state, without trying to renew', async () => {
    const client = await kit.signedIn('alice', 'wonderland', { refreshToken: true })
    kit.hs.lockUser('alice')
    const e = await rejection(client.devices())
    expect(e).toMatchObject({ kind: 'user-locked', errcode: 'M_USER_LOCKED', softLogout: true })
    expect(e.message).toMatch(/^The account on .* is locked: This account has been locked\. It works again once/)
    expect(kit.hs.requests.some((r) => r.endpoint === 'refresh')).toBe(false)
    kit.hs.unlockUser('alice')
    expect((await client.devices()).length).toBe(1)
  })

  it('says a client without a session is not signed in, without calling the server', async () => {
    const e = await rejection(kit.client().whoami())
    expect(e.kind).toBe('logged-out')
    expect(kit.hs.requests).toEqual([])
  })
})
