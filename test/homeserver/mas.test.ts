import { describe, expect, it } from 'vitest'
import { call, login, useHomeserver } from './fixtures'

describe('a homeserver behind the Matrix Authentication Service', () => {
  const t = useHomeserver({ mas: true })

  it('offers the OAuth 2.0 metadata with an account management URL', async () => {
    const answer = await call(t.hs, 'GET', '/_matrix/client/v1/auth_metadata')
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({
      issuer: `${t.hs.url}/`,
      account_management_uri: `${t.hs.url}/account/`,
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
    })
    expect(answer.body.account_management_actions_supported).toContain('org.matrix.device_delete')
  })

  it('has no login-token endpoint and does not advertise one', async () => {
    const me = await login(t.hs)
    const answer = await call(t.hs, 'POST', '/_matrix/client/v1/login/get_token', { body: {}, token: me.accessToken })
    expect([answer.status, answer.body.errcode]).toEqual([404, 'M_UNRECOGNIZED'])
    expect((await call(t.hs, 'GET', '/_matrix/client/v3/login')).body.flows).toContainEqual({ type: 'm.login.token' })
    const capabilities = (await call(t.hs, 'GET', '/_matrix/client/v3/capabilities', { token: me.accessToken })).body.capabilities
    expect(capabilities['m.get_login_token']).toEqual({ enabled: false })
    expect(capabilities['m.change_password']).toEqual({ enabled: false })
  })

  it('answers device deletion 404 M_UNRECOGNIZED, single and bulk, and deletes nothing', async () => {
    const me = await login(t.hs)
    const single = await call(t.hs, 'DELETE', `/_matrix/client/v3/devices/${me.deviceId}`, { body: {}, token: me.accessToken })
    expect([single.status, single.body.errcode]).toEqual([404, 'M_UNRECOGNIZED'])
    const bulk = await call(t.hs, 'POST', '/_matrix/client/v3/delete_devices', { body: { devices: [me.deviceId] }, token: me.accessToken })
    expect([bulk.status, bulk.body.errcode]).toEqual([404, 'M_UNRECOGNIZED'])
    expect(t.hs.devicesOf('alice')).toHaveLength(1)
  })

  it('answers /logout/all 404 M_UNRECOGNIZED unless the client accepts ending only compatibility sessions', async () => {
    const me = await login(t.hs)
    const refused = await call(t.hs, 'POST', '/_matrix/client/v3/logout/all', { body: {}, token: me.accessToken })
    expect([refused.status, refused.body.errcode]).toEqual([404, 'M_UNRECOGNIZED'])
    expect(t.hs.devicesOf('alice')).toHaveLength(1)
    const accepted = await call(t.hs, 'POST', '/_matrix/client/v3/logout/all', { body: { 'io.element.only_compat_is_fine': true }, token: me.accessToken })
    expect(accepted.status).toBe(200)
    expect(t.hs.devicesOf('alice')).toEqual([])
  })

  it('still lets a session log out, list and rename devices, and refresh', async () => {
    const me = await login(t.hs, 'alice', 'wonderland', { refresh_token: true })
    expect((await call(t.hs, 'GET', '/_matrix/client/v3/devices', { token: me.accessToken })).status).toBe(200)
    expect((await call(t.hs, 'PUT', `/_matrix/client/v3/devices/${me.deviceId}`, { body: { display_name: 'x' }, token: me.accessToken })).status).toBe(200)
    expect((await call(t.hs, 'POST', '/_matrix/client/v3/refresh', { body: { refresh_token: me.refreshToken } })).status).toBe(200)
    const other = await login(t.hs)
    expect((await call(t.hs, 'POST', '/_matrix/client/v3/logout', { token: other.accessToken })).status).toBe(200)
  })
})
