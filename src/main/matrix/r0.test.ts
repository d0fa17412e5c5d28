import { describe, expect, it } from 'vitest'
import { rejection, useHomeserver } from '../../../test/matrix/kit'

// Servers that advertise only r0 releases get the r0 paths, and the old top-level login fields.

describe('an r0-only server', () => {
  const kit = useHomeserver({ versions: ['r0.5.0', 'r0.6.1'] })

  it('signs in on the r0 path, sending the old top-level fields beside the identifier', async () => {
    const r = await kit.client().login({ type: 'password', identifier: { kind: 'user', user: 'alice' }, password: 'wonderland' })
    expect(r.userId).toBe('@alice:localhost')
    expect(r.refreshToken).toBeUndefined()
    const q = kit.hs.requests.find((x) => x.endpoint === 'login')
    expect(q?.path).toBe('/_matrix/client/r0/login')
    expect(q?.body).toMatchObject({ identifier: { type: 'm.id.user', user: 'alice' }, user: 'alice', refresh_token: true })
    await kit.client().login({ type: 'password', identifier: { kind: 'email', address: 'bob@example.org' }, password: 'builder' })
    expect(kit.hs.requests.filter((x) => x.endpoint === 'login')[1]?.body).toMatchObject({ medium: 'email', address: 'bob@example.org' })
  })

  it('uses r0 paths for the session calls and for device deletion with UIA', async () => {
    const client = await kit.signedIn()
    const victim = (await (await kit.signedIn()).whoami()).deviceId!
    await client.whoami()
    await client.devices()
    await client.updateDevice(victim, { displayName: 'old phone' })
    await client.deleteDevice(victim, { password: 'wonderland' })
    await client.logout()
    const paths = kit.hs.requests.map((r) => r.path)
    expect(paths.filter((p) => !p.startsWith('/_matrix/client/r0/'))).toEqual([])
    expect(kit.hs.devicesOf('alice')).toEqual([])
  })

  it('points the SSO stage at the r0 fallback page', async () => {
    const carol = kit.client()
    await carol.login({ type: 'token', token: kit.hs.mintLoginToken('carol') })
    const other = kit.client()
    await other.login({ type: 'token', token: kit.hs.mintLoginToken('carol') })
    const victim = (await other.whoami()).deviceId!
    let url = ''
    await carol.deleteDevice(victim, {
      stages: {
        'm.login.sso': async (ctx) => {
          url = ctx.fallbackUrl!
          await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=continue' })
        },
      },
    })
    expect(url).toMatch(new RegExp(`^${kit.hs.url}/_matrix/client/r0/auth/m\\.login\\.sso/fallback/web\\?session=`))
  })

  it('says it makes no login tokens (they arrived in v1.7)', async () => {
    expect((await rejection((await kit.signedIn()).getLoginToken({ password: 'wonderland' }))).kind).toBe('unsupported')
  })
})
