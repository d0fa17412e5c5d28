import { describe, expect, it } from 'vitest'
import { call, login, passwordLogin, useHomeserver } from './fixtures'

const LOGIN = '/_matrix/client/v3/login'

describe('POST /login with a password', () => {
  const t = useHomeserver()

  it('signs in by localpart and answers user id, access token, device id and well_known', async () => {
    const answer = await call(t.hs, 'POST', LOGIN, { body: passwordLogin('alice', 'wonderland') })
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ user_id: '@alice:localhost', well_known: { 'm.homeserver': { base_url: t.hs.url } } })
    expect(answer.body.access_token).toEqual(expect.any(String))
    expect(answer.body.refresh_token).toBeUndefined()
    expect(answer.body.expires_in_ms).toBeUndefined()
    expect(t.hs.devicesOf('alice').map((d) => d.deviceId)).toEqual([answer.body.device_id])
  })

  it('signs in by full user id', async () => {
    const answer = await call(t.hs, 'POST', LOGIN, { body: passwordLogin('@alice:localhost', 'wonderland') })
    expect(answer.body.user_id).toBe('@alice:localhost')
  })

  it('signs in by email address (m.id.thirdparty)', async () => {
    const answer = await call(t.hs, 'POST', LOGIN, {
      body: { type: 'm.login.password', identifier: { type: 'm.id.thirdparty', medium: 'email', address: 'Bob@Example.org' }, password: 'builder' },
    })
    expect([answer.status, answer.body.user_id]).toEqual([200, '@bob:localhost'])
  })

  it('signs in by phone number (m.id.phone)', async () => {
    const answer = await call(t.hs, 'POST', LOGIN, {
      body: { type: 'm.login.password', identifier: { type: 'm.id.phone', country: 'GB', phone: '7700 900123' }, password: 'builder' },
    })
    expect([answer.status, answer.body.user_id]).toEqual([200, '@bob:localhost'])
  })

  it('names a new device with initial_device_display_name', async () => {
    const answer = await call(t.hs, 'POST', LOGIN, { body: passwordLogin('alice', 'wonderland', { initial_device_display_name: 'Latchkey on laptop' }) })
    expect(t.hs.devicesOf('alice')).toEqual([expect.objectContaining({ deviceId: answer.body.device_id, displayName: 'Latchkey on laptop' })])
  })

  it('re-uses a known device id, keeps its name and retires its previous access token', async () => {
    const first = await login(t.hs, 'alice', 'wonderland', { initial_device_display_name: 'Laptop' })
    const again = await call(t.hs, 'POST', LOGIN, { body: passwordLogin('alice', 'wonderland', { device_id: first.deviceId, initial_device_display_name: 'Ignored' }) })
    expect(again.body.device_id).toBe(first.deviceId)
    expect(t.hs.devicesOf('alice')).toEqual([expect.objectContaining({ deviceId: first.deviceId, displayName: 'Laptop' })])
    const old = await call(t.hs, 'GET', '/_matrix/client/v3/account/whoami', { token: first.accessToken })
    expect([old.status, old.body.errcode]).toEqual([401, 'M_UNKNOWN_TOKEN'])
  })

  it('creates a device with the id the client chose when it is new', async () => {
    const answer = await call(t.hs, 'POST', LOGIN, { body: passwordLogin('alice', 'wonderland', { device_id: 'LATCHKEY01' }) })
    expect(answer.body.device_id).toBe('LATCHKEY01')
  })

  it('issues a refresh token and a lifetime when asked with refresh_token: true', async () => {
    const answer = await call(t.hs, 'POST', LOGIN, { body: passwordLogin('alice', 'wonderland', { refresh_token: true }) })
    expect(answer.body.refresh_token).toEqual(expect.any(String))
    expect(answer.body.expires_in_ms).toBe(5 * 60_000)
  })

  it('refuses a wrong password with 403 M_FORBIDDEN and creates no device', async () => {
    const answer = await call(t.hs, 'POST', LOGIN, { body: passwordLogin('alice', 'wrong') })
    expect([answer.status, answer.body.errcode]).toEqual([403, 'M_FORBIDDEN'])
    expect(t.hs.devicesOf('alice')).toEqual([])
  })

  it('refuses an unknown user and a user of another server the same way as a wrong password', async () => {
    for (const user of ['nobody', '@alice:elsewhere.org']) {
      const answer = await call(t.hs, 'POST', LOGIN, { body: passwordLogin(user, 'wonderland') })
      expect([answer.status, answer.body.errcode]).toEqual([403, 'M_FORBIDDEN'])
    }
  })

  it('refuses password login for an SSO-only account', async () => {
    const answer = await call(t.hs, 'POST', LOGIN, { body: passwordLogin('carol', '') })
    expect([answer.status, answer.body.errcode]).toEqual([403, 'M_FORBIDDEN'])
  })

  it('answers a locked account 401 M_USER_LOCKED with soft_logout true', async () => {
    t.hs.lockUser('alice')
    const answer = await call(t.hs, 'POST', LOGIN, { body: passwordLogin('alice', 'wonderland') })
    expect(answer.status).toBe(401)
    expect(answer.body).toMatchObject({ errcode: 'M_USER_LOCKED', soft_logout: true })
  })

  it('answers an unknown login type 400 M_UNKNOWN', async () => {
    const answer = await call(t.hs, 'POST', LOGIN, { body: { type: 'm.login.magic' } })
    expect([answer.status, answer.body.errcode]).toEqual([400, 'M_UNKNOWN'])
  })
})

describe('POST /login with malformed requests', () => {
  const t = useHomeserver()

  it('answers a body that is not JSON 400 M_NOT_JSON', async () => {
    t.sendingBadRequestsOnPurpose()
    for (const raw of ['{', 'type=m.login.password', '\u0000\u00ff']) {
      const answer = await call(t.hs, 'POST', LOGIN, { raw })
      expect([answer.status, answer.body.errcode]).toEqual([400, 'M_NOT_JSON'])
    }
  })

  it('answers JSON that is not an object, or has fields of the wrong type, 400 M_BAD_JSON', async () => {
    t.sendingBadRequestsOnPurpose()
    const bodies = [[], 'text', 42, null, passwordLogin('alice', 'wonderland', { device_id: 7 }), passwordLogin('alice', 'wonderland', { refresh_token: 'yes' })]
    for (const body of bodies) {
      const answer = await call(t.hs, 'POST', LOGIN, { raw: JSON.stringify(body) })
      expect([answer.status, answer.body.errcode]).toEqual([400, 'M_BAD_JSON'])
    }
  })

  it('answers a password login without identifier or password 400 M_MISSING_PARAM', async () => {
    t.sendingBadRequestsOnPurpose()
    for (const body of [{ type: 'm.login.password', password: 'x' }, { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' } }, {}]) {
      const answer = await call(t.hs, 'POST', LOGIN, { body })
      expect([answer.status, answer.body.errcode]).toEqual([400, 'M_MISSING_PARAM'])
    }
  })

  it('survives a body larger than a megabyte with 413 M_TOO_LARGE', async () => {
    t.sendingBadRequestsOnPurpose()
    const answer = await call(t.hs, 'POST', LOGIN, { raw: 'x'.repeat(1_100_000) })
    expect([answer.status, answer.body.errcode]).toEqual([413, 'M_TOO_LARGE'])
    expect((await call(t.hs, 'GET', LOGIN)).status).toBe(200)
  })
})

describe('POST /login with a login token', () => {
  const t = useHomeserver({ loginTokenLifetimeMs: 300 })

  it('accepts a minted token once; a second use gets 403 M_FORBIDDEN', async () => {
    const token = t.hs.mintLoginToken('carol')
    const first = await call(t.hs, 'POST', LOGIN, { body: { type: 'm.login.token', token } })
    expect([first.status, first.body.user_id]).toEqual([200, '@carol:localhost'])
    const second = await call(t.hs, 'POST', LOGIN, { body: { type: 'm.login.token', token } })
    expect([second.status, second.body.errcode]).toEqual([403, 'M_FORBIDDEN'])
  })

  it('refuses an expired token with 403 M_FORBIDDEN', async () => {
    const token = t.hs.mintLoginToken('alice')
    await new Promise((resolve) => setTimeout(resolve, 350))
    const answer = await call(t.hs, 'POST', LOGIN, { body: { type: 'm.login.token', token } })
    expect([answer.status, answer.body.errcode]).toEqual([403, 'M_FORBIDDEN'])
  })

  it('refuses a token it never issued with 403 M_FORBIDDEN', async () => {
    const answer = await call(t.hs, 'POST', LOGIN, { body: { type: 'm.login.token', token: 'syl_made_up' } })
    expect([answer.status, answer.body.errcode]).toEqual([403, 'M_FORBIDDEN'])
  })

  it('re-uses the device id on a soft-logout re-login by token', async () => {
    const session = await login(t.hs)
    t.hs.softLogout('alice', session.deviceId)
    const answer = await call(t.hs, 'POST', LOGIN, { body: { type: 'm.login.token', token: t.hs.mintLoginToken('alice'), device_id: session.deviceId } })
    expect(answer.body.device_id).toBe(session.deviceId)
    expect((await call(t.hs, 'GET', '/_matrix/client/v3/account/whoami', { token: answer.body.access_token })).status).toBe(200)
  })
})

describe('POST /login on a server without password login', () => {
  const t = useHomeserver({ flows: { password: false } })

  it('answers m.login.password 400 M_UNKNOWN', async () => {
    const answer = await call(t.hs, 'POST', LOGIN, { body: passwordLogin('alice', 'wonderland') })
    expect([answer.status, answer.body.errcode]).toEqual([400, 'M_UNKNOWN'])
  })
})
