import { describe, expect, it } from 'vitest'
import { call, login, passwordAuth, useHomeserver } from './fixtures'

const R0 = '/_matrix/client/r0'

describe('a homeserver that speaks only r0', () => {
  const t = useHomeserver({ versions: ['r0.5.0', 'r0.6.1'] })

  it('advertises only r0 versions and no login-token feature', async () => {
    const answer = await call(t.hs, 'GET', '/_matrix/client/versions')
    expect(answer.body).toEqual({ versions: ['r0.5.0', 'r0.6.1'], unstable_features: {} })
    const flows = (await call(t.hs, 'GET', `${R0}/login`)).body.flows
    expect(flows).toContainEqual({ type: 'm.login.token' })
    expect(flows).toContainEqual({ type: 'm.login.password' })
  })

  it('answers v3 and v1 paths 404 M_UNRECOGNIZED', async () => {
    for (const path of ['/_matrix/client/v3/login', '/_matrix/client/v1/login/get_token', '/_matrix/client/v1/auth_metadata']) {
      const answer = await call(t.hs, path.endsWith('get_token') ? 'POST' : 'GET', path, path.endsWith('get_token') ? { body: {} } : {})
      expect([answer.status, answer.body.errcode]).toEqual([404, 'M_UNRECOGNIZED'])
    }
  })

  it('accepts the old top-level user field and answers the deprecated home_server', async () => {
    const answer = await call(t.hs, 'POST', `${R0}/login`, { body: { type: 'm.login.password', user: 'alice', password: 'wonderland' } })
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ user_id: '@alice:localhost', home_server: 'localhost' })
  })

  it('accepts the old top-level medium and address fields', async () => {
    const answer = await call(t.hs, 'POST', `${R0}/login`, { body: { type: 'm.login.password', medium: 'email', address: 'bob@example.org', password: 'builder' } })
    expect([answer.status, answer.body.user_id]).toEqual([200, '@bob:localhost'])
  })

  it('ignores refresh_token: true (refresh came in v1.3) and has no /refresh', async () => {
    const session = await login(t.hs, 'alice', 'wonderland', { refresh_token: true }, 'r0')
    expect(session.refreshToken).toBeUndefined()
    const refresh = await call(t.hs, 'POST', `${R0}/refresh`, { body: { refresh_token: 'x' } })
    expect([refresh.status, refresh.body.errcode]).toEqual([404, 'M_UNRECOGNIZED'])
  })

  it('serves whoami, devices with UIA and logout on r0 paths', async () => {
    const me = await login(t.hs, 'alice', 'wonderland', {}, 'r0')
    const other = await login(t.hs, 'alice', 'wonderland', {}, 'r0')
    expect((await call(t.hs, 'GET', `${R0}/account/whoami`, { token: me.accessToken })).body.user_id).toBe('@alice:localhost')
    expect((await call(t.hs, 'GET', `${R0}/devices`, { token: me.accessToken })).body.devices).toHaveLength(2)
    const challenge = await call(t.hs, 'DELETE', `${R0}/devices/${other.deviceId}`, { body: {}, token: me.accessToken })
    const deleted = await call(t.hs, 'DELETE', `${R0}/devices/${other.deviceId}`, { body: { auth: passwordAuth(challenge.body.session) }, token: me.accessToken })
    expect(deleted.status).toBe(200)
    expect((await call(t.hs, 'POST', `${R0}/logout`, { body: {}, token: me.accessToken })).status).toBe(200)
    expect(t.hs.devicesOf('alice')).toEqual([])
  })

  it('serves avatars on the legacy unauthenticated media path instead of /v1/media', async () => {
    const response = await fetch(`${t.hs.url}/_matrix/media/r0/thumbnail/localhost/carolavatar?width=32&height=32`)
    expect([response.status, response.headers.get('content-type')]).toEqual([200, 'image/png'])
    const me = await login(t.hs, 'alice', 'wonderland', {}, 'r0')
    const v1 = await call(t.hs, 'GET', '/_matrix/client/v1/media/thumbnail/localhost/carolavatar?width=32&height=32', { token: me.accessToken })
    expect(v1.status).toBe(404)
  })
})

describe('a current homeserver', () => {
  const t = useHomeserver()

  it('answers r0 paths 404 M_UNRECOGNIZED', async () => {
    const answer = await call(t.hs, 'GET', `${R0}/login`)
    expect([answer.status, answer.body.errcode]).toEqual([404, 'M_UNRECOGNIZED'])
  })
})
