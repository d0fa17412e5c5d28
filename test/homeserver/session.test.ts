import { describe, expect, it } from 'vitest'
import { call, login, useHomeserver } from './fixtures'

const WHOAMI = '/_matrix/client/v3/account/whoami'
const REFRESH = '/_matrix/client/v3/refresh'

describe('GET /account/whoami', () => {
  const t = useHomeserver()

  it('names the user and device of the token, and says it is not a guest', async () => {
    const session = await login(t.hs)
    const answer = await call(t.hs, 'GET', WHOAMI, { token: session.accessToken })
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({ user_id: '@alice:localhost', device_id: session.deviceId, is_guest: false })
  })

  it('answers 401 M_MISSING_TOKEN without a token, and ignores a token in the query string', async () => {
    const session = await login(t.hs)
    for (const path of [WHOAMI, `${WHOAMI}?access_token=${session.accessToken}`]) {
      const answer = await call(t.hs, 'GET', path)
      expect([answer.status, answer.body.errcode]).toEqual([401, 'M_MISSING_TOKEN'])
    }
  })

  it('answers an unknown token 401 M_UNKNOWN_TOKEN with soft_logout false spelled out', async () => {
    const answer = await call(t.hs, 'GET', WHOAMI, { token: 'syt_never_issued' })
    expect(answer.status).toBe(401)
    expect(answer.body).toMatchObject({ errcode: 'M_UNKNOWN_TOKEN', soft_logout: false })
  })

  it('answers a malformed Authorization header 401 M_MISSING_TOKEN', async () => {
    const answer = await call(t.hs, 'GET', WHOAMI, { headers: { Authorization: 'Basic YWxpY2U6d29uZGVybGFuZA==' } })
    expect([answer.status, answer.body.errcode]).toEqual([401, 'M_MISSING_TOKEN'])
  })

  it('updates the device last_seen_ip and last_seen_ts on every authenticated request', async () => {
    const session = await login(t.hs)
    const before = t.hs.devicesOf('alice')[0]!.lastSeenTs!
    await new Promise((resolve) => setTimeout(resolve, 5))
    await call(t.hs, 'GET', WHOAMI, { token: session.accessToken })
    const device = t.hs.devicesOf('alice')[0]!
    expect(device.lastSeenIp).toBe('127.0.0.1')
    expect(device.lastSeenTs).toBeGreaterThan(before)
  })
})

describe('soft logout, expiry and locking', () => {
  const t = useHomeserver()

  it('answers a soft-logged-out device 401 M_UNKNOWN_TOKEN with soft_logout true and keeps the device', async () => {
    const session = await login(t.hs)
    t.hs.softLogout('alice', session.deviceId)
    const answer = await call(t.hs, 'GET', WHOAMI, { token: session.accessToken })
    expect(answer.status).toBe(401)
    expect(answer.body).toMatchObject({ errcode: 'M_UNKNOWN_TOKEN', soft_logout: true })
    expect(t.hs.devicesOf('alice').map((d) => d.deviceId)).toEqual([session.deviceId])
  })

  it('soft-logs-out only the named device', async () => {
    const laptop = await login(t.hs)
    const phone = await login(t.hs)
    t.hs.softLogout('alice', laptop.deviceId)
    expect((await call(t.hs, 'GET', WHOAMI, { token: phone.accessToken })).status).toBe(200)
  })

  it('answers expired access tokens as soft-logged-out, and the refresh token still works', async () => {
    const session = await login(t.hs, 'alice', 'wonderland', { refresh_token: true })
    t.hs.expireAccessTokens('alice')
    const answer = await call(t.hs, 'GET', WHOAMI, { token: session.accessToken })
    expect(answer.body).toMatchObject({ errcode: 'M_UNKNOWN_TOKEN', soft_logout: true })
    const refreshed = await call(t.hs, 'POST', REFRESH, { body: { refresh_token: session.refreshToken } })
    expect(refreshed.status).toBe(200)
    expect((await call(t.hs, 'GET', WHOAMI, { token: refreshed.body.access_token })).status).toBe(200)
  })

  it('answers a locked account 401 M_USER_LOCKED with soft_logout true, but still lets it log out', async () => {
    const session = await login(t.hs)
    t.hs.lockUser('alice')
    const answer = await call(t.hs, 'GET', WHOAMI, { token: session.accessToken })
    expect(answer.status).toBe(401)
    expect(answer.body).toMatchObject({ errcode: 'M_USER_LOCKED', soft_logout: true })
    t.hs.unlockUser('alice')
    expect((await call(t.hs, 'GET', WHOAMI, { token: session.accessToken })).status).toBe(200)
    t.hs.lockUser('alice')
    expect((await call(t.hs, 'POST', '/_matrix/client/v3/logout', { body: {}, token: session.accessToken })).status).toBe(200)
  })
})

describe('short-lived access tokens', () => {
  const t = useHomeserver({ accessTokenLifetimeMs: 150 })

  it('expires a refreshable access token after its lifetime, but not one issued without refresh_token', async () => {
    const refreshable = await login(t.hs, 'alice', 'wonderland', { refresh_token: true })
    const plain = await login(t.hs)
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect((await call(t.hs, 'GET', WHOAMI, { token: refreshable.accessToken })).body).toMatchObject({ errcode: 'M_UNKNOWN_TOKEN', soft_logout: true })
    expect((await call(t.hs, 'GET', WHOAMI, { token: plain.accessToken })).status).toBe(200)
  })
})

describe('POST /logout and /logout/all', () => {
  const t = useHomeserver()

  it('ends the session: the device is gone and the old token answers 401 soft_logout false', async () => {
    const session = await login(t.hs)
    const answer = await call(t.hs, 'POST', '/_matrix/client/v3/logout', { token: session.accessToken })
    expect([answer.status, answer.body]).toEqual([200, {}])
    expect(t.hs.devicesOf('alice')).toEqual([])
    const after = await call(t.hs, 'GET', WHOAMI, { token: session.accessToken })
    expect(after.status).toBe(401)
    expect(after.body).toMatchObject({ errcode: 'M_UNKNOWN_TOKEN', soft_logout: false })
  })

  it('answers logout without a token 401 M_MISSING_TOKEN', async () => {
    const answer = await call(t.hs, 'POST', '/_matrix/client/v3/logout', { body: {} })
    expect([answer.status, answer.body.errcode]).toEqual([401, 'M_MISSING_TOKEN'])
  })

  it('ends every session of the user and no one else', async () => {
    const laptop = await login(t.hs)
    const phone = await login(t.hs)
    const bob = await login(t.hs, 'bob', 'builder')
    const answer = await call(t.hs, 'POST', '/_matrix/client/v3/logout/all', { body: {}, token: laptop.accessToken })
    expect(answer.status).toBe(200)
    expect(t.hs.devicesOf('alice')).toEqual([])
    expect((await call(t.hs, 'GET', WHOAMI, { token: phone.accessToken })).status).toBe(401)
    expect((await call(t.hs, 'GET', WHOAMI, { token: bob.accessToken })).status).toBe(200)
  })
})

describe('POST /refresh', () => {
  const t = useHomeserver()

  it('rotates both tokens; the old refresh token dies with 403 M_FORBIDDEN once the new access token is used', async () => {
    const session = await login(t.hs, 'alice', 'wonderland', { refresh_token: true })
    const rotated = await call(t.hs, 'POST', REFRESH, { body: { refresh_token: session.refreshToken } })
    expect(rotated.status).toBe(200)
    expect(rotated.body).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), expires_in_ms: 300_000 })
    expect(rotated.body.refresh_token).not.toBe(session.refreshToken)
    expect((await call(t.hs, 'GET', WHOAMI, { token: rotated.body.access_token })).status).toBe(200)
    const replay = await call(t.hs, 'POST', REFRESH, { body: { refresh_token: session.refreshToken } })
    expect([replay.status, replay.body.errcode]).toEqual([403, 'M_FORBIDDEN'])
    expect((await call(t.hs, 'GET', WHOAMI, { token: session.accessToken })).status).toBe(401)
  })

  it('lets a client repeat a refresh whose answer it lost, until the new tokens are used', async () => {
    const session = await login(t.hs, 'alice', 'wonderland', { refresh_token: true })
    const lost = await call(t.hs, 'POST', REFRESH, { body: { refresh_token: session.refreshToken } })
    const repeated = await call(t.hs, 'POST', REFRESH, { body: { refresh_token: session.refreshToken } })
    expect(repeated.status).toBe(200)
    expect((await call(t.hs, 'GET', WHOAMI, { token: lost.body.access_token })).status).toBe(401)
    expect((await call(t.hs, 'GET', WHOAMI, { token: repeated.body.access_token })).status).toBe(200)
  })

  it('rotates again with the new refresh token', async () => {
    const session = await login(t.hs, 'alice', 'wonderland', { refresh_token: true })
    const first = await call(t.hs, 'POST', REFRESH, { body: { refresh_token: session.refreshToken } })
    const second = await call(t.hs, 'POST', REFRESH, { body: { refresh_token: first.body.refresh_token } })
    expect(second.status).toBe(200)
    expect((await call(t.hs, 'POST', REFRESH, { body: { refresh_token: session.refreshToken } })).status).toBe(403)
  })

  it('answers a bogus refresh token 401 M_UNKNOWN_TOKEN', async () => {
    const answer = await call(t.hs, 'POST', REFRESH, { body: { refresh_token: 'syr_bogus' } })
    expect(answer.status).toBe(401)
    expect(answer.body).toMatchObject({ errcode: 'M_UNKNOWN_TOKEN', soft_logout: false })
  })

  it('answers the refresh token of a soft-logged-out device 401 with soft_logout true', async () => {
    const session = await login(t.hs, 'alice', 'wonderland', { refresh_token: true })
    t.hs.softLogout('alice')
    const answer = await call(t.hs, 'POST', REFRESH, { body: { refresh_token: session.refreshToken } })
    expect(answer.body).toMatchObject({ errcode: 'M_UNKNOWN_TOKEN', soft_logout: true })
  })

  it('answers a refresh token of a logged-out device 401 M_UNKNOWN_TOKEN', async () => {
    const session = await login(t.hs, 'alice', 'wonderland', { refresh_token: true })
    await call(t.hs, 'POST', '/_matrix/client/v3/logout', { token: session.accessToken })
    const answer = await call(t.hs, 'POST', REFRESH, { body: { refresh_token: session.refreshToken } })
    expect([answer.status, answer.body.errcode]).toEqual([401, 'M_UNKNOWN_TOKEN'])
  })

  it('answers a request without refresh_token 400 M_MISSING_PARAM', async () => {
    t.sendingBadRequestsOnPurpose()
    const answer = await call(t.hs, 'POST', REFRESH, { body: {} })
    expect([answer.status, answer.body.errcode]).toEqual([400, 'M_MISSING_PARAM'])
  })
})
