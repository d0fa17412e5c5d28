import { describe, expect, it } from 'vitest'
import { call, login, passwordAuth, useHomeserver } from './fixtures'

const DEVICES = '/_matrix/client/v3/devices'

describe('GET and PUT /devices', () => {
  const t = useHomeserver()

  it('lists the devices of the user with last_seen_ip, last_seen_ts and last_seen_user_agent', async () => {
    const laptop = await login(t.hs, 'alice', 'wonderland', { initial_device_display_name: 'Laptop' })
    await login(t.hs, 'bob', 'builder')
    const answer = await call(t.hs, 'GET', DEVICES, { token: laptop.accessToken })
    expect(answer.status).toBe(200)
    expect(answer.body.devices).toEqual([
      // The user agent is what this test's fetch sent when it signed in.
      { device_id: laptop.deviceId, display_name: 'Laptop', last_seen_ip: '127.0.0.1', last_seen_ts: expect.any(Number), last_seen_user_agent: expect.any(String) },
    ])
  })

  it('gets one device, and answers an unknown or foreign device 404 M_NOT_FOUND', async () => {
    const session = await login(t.hs)
    const bob = await login(t.hs, 'bob', 'builder')
    const own = await call(t.hs, 'GET', `${DEVICES}/${session.deviceId}`, { token: session.accessToken })
    expect(own.body.device_id).toBe(session.deviceId)
    for (const id of ['NOSUCHDEVICE', bob.deviceId]) {
      const answer = await call(t.hs, 'GET', `${DEVICES}/${id}`, { token: session.accessToken })
      expect([answer.status, answer.body.errcode]).toEqual([404, 'M_NOT_FOUND'])
    }
  })

  it('renames a device, and answers an unknown device 404 M_NOT_FOUND', async () => {
    const session = await login(t.hs)
    const renamed = await call(t.hs, 'PUT', `${DEVICES}/${session.deviceId}`, { body: { display_name: 'Kitchen tablet' }, token: session.accessToken })
    expect([renamed.status, renamed.body]).toEqual([200, {}])
    expect(t.hs.devicesOf('alice')[0]!.displayName).toBe('Kitchen tablet')
    const unknown = await call(t.hs, 'PUT', `${DEVICES}/NOSUCHDEVICE`, { body: { display_name: 'x' }, token: session.accessToken })
    expect([unknown.status, unknown.body.errcode]).toEqual([404, 'M_NOT_FOUND'])
  })

  it('decodes percent-encoded device ids in the path', async () => {
    await call(t.hs, 'POST', '/_matrix/client/v3/login', { body: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'wonderland', device_id: 'odd/id é' } })
    const session = await login(t.hs)
    const answer = await call(t.hs, 'GET', `${DEVICES}/${encodeURIComponent('odd/id é')}`, { token: session.accessToken })
    expect(answer.body.device_id).toBe('odd/id é')
  })

  it('answers a display name that is not a string 400 M_BAD_JSON', async () => {
    t.sendingBadRequestsOnPurpose()
    const session = await login(t.hs)
    const answer = await call(t.hs, 'PUT', `${DEVICES}/${session.deviceId}`, { body: { display_name: 42 }, token: session.accessToken })
    expect([answer.status, answer.body.errcode]).toEqual([400, 'M_BAD_JSON'])
  })

  it('lists 10,000 seeded devices with varied names and last-seen data', async () => {
    const session = await login(t.hs)
    t.hs.addDevices('alice', 10_000)
    const answer = await call(t.hs, 'GET', DEVICES, { token: session.accessToken })
    expect(answer.body.devices).toHaveLength(10_001)
    expect(new Set(answer.body.devices.map((d: { device_id: string }) => d.device_id)).size).toBe(10_001)
    expect(answer.body.devices.some((d: Record<string, unknown>) => d['display_name'] === undefined)).toBe(true)
    expect(answer.body.devices.some((d: Record<string, unknown>) => d['last_seen_ts'] === undefined)).toBe(true)
  })
})

describe('DELETE /devices/{deviceId} with User-Interactive Authentication', () => {
  const t = useHomeserver()

  it('asks a password account for m.login.password, then deletes the device and revokes its token', async () => {
    const me = await login(t.hs)
    const old = await login(t.hs)
    const path = `${DEVICES}/${old.deviceId}`
    const challenge = await call(t.hs, 'DELETE', path, { body: {}, token: me.accessToken })
    expect(challenge.status).toBe(401)
    expect(challenge.body).toEqual({ flows: [{ stages: ['m.login.password'] }], params: {}, session: expect.any(String) })
    const done = await call(t.hs, 'DELETE', path, { body: { auth: passwordAuth(challenge.body.session) }, token: me.accessToken })
    expect([done.status, done.body]).toEqual([200, {}])
    expect(t.hs.devicesOf('alice').map((d) => d.deviceId)).toEqual([me.deviceId])
    const revoked = await call(t.hs, 'GET', '/_matrix/client/v3/account/whoami', { token: old.accessToken })
    expect(revoked.body).toMatchObject({ errcode: 'M_UNKNOWN_TOKEN', soft_logout: false })
  })

  it('answers a wrong password 401 M_FORBIDDEN with the flows and the same session, and deletes nothing', async () => {
    const me = await login(t.hs)
    const path = `${DEVICES}/${me.deviceId}`
    const challenge = await call(t.hs, 'DELETE', path, { body: {}, token: me.accessToken })
    const wrong = await call(t.hs, 'DELETE', path, { body: { auth: passwordAuth(challenge.body.session, 'alice', 'nope') }, token: me.accessToken })
    expect(wrong.status).toBe(401)
    expect(wrong.body).toMatchObject({ errcode: 'M_FORBIDDEN', flows: [{ stages: ['m.login.password'] }], session: challenge.body.session })
    expect(t.hs.devicesOf('alice')).toHaveLength(1)
    const right = await call(t.hs, 'DELETE', path, { body: { auth: passwordAuth(challenge.body.session) }, token: me.accessToken })
    expect(right.status).toBe(200)
  })

  it('accepts the password stage in a first request without a session', async () => {
    const me = await login(t.hs)
    const other = await login(t.hs)
    const auth = { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'wonderland' }
    const answer = await call(t.hs, 'DELETE', `${DEVICES}/${other.deviceId}`, { body: { auth }, token: me.accessToken })
    expect(answer.status).toBe(200)
  })

  it('accepts the password stage with an email identifier', async () => {
    const bob = await login(t.hs, 'bob', 'builder')
    const other = await login(t.hs, 'bob', 'builder')
    const auth = { type: 'm.login.password', identifier: { type: 'm.id.thirdparty', medium: 'email', address: 'bob@example.org' }, password: 'builder' }
    const answer = await call(t.hs, 'DELETE', `${DEVICES}/${other.deviceId}`, { body: { auth }, token: bob.accessToken })
    expect(answer.status).toBe(200)
  })

  it('refuses another user’s password for the stage', async () => {
    const me = await login(t.hs)
    const challenge = await call(t.hs, 'DELETE', `${DEVICES}/${me.deviceId}`, { body: {}, token: me.accessToken })
    const answer = await call(t.hs, 'DELETE', `${DEVICES}/${me.deviceId}`, { body: { auth: passwordAuth(challenge.body.session, 'bob', 'builder') }, token: me.accessToken })
    expect([answer.status, answer.body.errcode]).toEqual([401, 'M_FORBIDDEN'])
  })

  it('refuses a session started for another device with 403 M_FORBIDDEN', async () => {
    const me = await login(t.hs)
    const other = await login(t.hs)
    const challenge = await call(t.hs, 'DELETE', `${DEVICES}/${other.deviceId}`, { body: {}, token: me.accessToken })
    const answer = await call(t.hs, 'DELETE', `${DEVICES}/${me.deviceId}`, { body: { auth: passwordAuth(challenge.body.session) }, token: me.accessToken })
    expect([answer.status, answer.body.errcode]).toEqual([403, 'M_FORBIDDEN'])
    expect(t.hs.devicesOf('alice')).toHaveLength(2)
  })

  it('answers an unknown session 400 M_UNKNOWN and a stage it does not offer 400 M_UNRECOGNIZED', async () => {
    const me = await login(t.hs)
    const path = `${DEVICES}/${me.deviceId}`
    const unknown = await call(t.hs, 'DELETE', path, { body: { auth: passwordAuth('nosuchsession') }, token: me.accessToken })
    expect([unknown.status, unknown.body.errcode]).toEqual([400, 'M_UNKNOWN'])
    const stage = await call(t.hs, 'DELETE', path, { body: { auth: { type: 'm.login.recaptcha', response: 'x' } }, token: me.accessToken })
    expect([stage.status, stage.body.errcode]).toEqual([400, 'M_UNRECOGNIZED'])
  })

  it('spends a completed session: a second request with it starts over', async () => {
    const me = await login(t.hs)
    const a = await login(t.hs)
    const b = await login(t.hs)
    const challenge = await call(t.hs, 'DELETE', `${DEVICES}/${a.deviceId}`, { body: {}, token: me.accessToken })
    await call(t.hs, 'DELETE', `${DEVICES}/${a.deviceId}`, { body: { auth: passwordAuth(challenge.body.session) }, token: me.accessToken })
    const again = await call(t.hs, 'DELETE', `${DEVICES}/${b.deviceId}`, { body: { auth: { session: challenge.body.session } }, token: me.accessToken })
    expect([again.status, again.body.errcode]).toEqual([400, 'M_UNKNOWN'])
  })

  it('asks an SSO-only account for m.login.sso and does not complete on a bare retry', async () => {
    const token = t.hs.mintLoginToken('carol')
    const carol = (await call(t.hs, 'POST', '/_matrix/client/v3/login', { body: { type: 'm.login.token', token } })).body
    const path = `${DEVICES}/${carol.device_id}`
    const challenge = await call(t.hs, 'DELETE', path, { body: {}, token: carol.access_token })
    expect(challenge.body.flows).toEqual([{ stages: ['m.login.sso'] }])
    const retry = await call(t.hs, 'DELETE', path, { body: { auth: { session: challenge.body.session } }, token: carol.access_token })
    expect(retry.status).toBe(401)
    t.hs.completeUiaSession(challenge.body.session)
    const done = await call(t.hs, 'DELETE', path, { body: { auth: { session: challenge.body.session } }, token: carol.access_token })
    expect(done.status).toBe(200)
  })

  it('answers 200 for a device that had been removed already', async () => {
    const me = await login(t.hs)
    const challenge = await call(t.hs, 'DELETE', `${DEVICES}/GONE`, { body: {}, token: me.accessToken })
    const answer = await call(t.hs, 'DELETE', `${DEVICES}/GONE`, { body: { auth: passwordAuth(challenge.body.session) }, token: me.accessToken })
    expect(answer.status).toBe(200)
  })
})

describe('POST /delete_devices', () => {
  const t = useHomeserver()

  it('deletes several devices after the password stage, and revokes their tokens', async () => {
    const me = await login(t.hs)
    const a = await login(t.hs)
    const b = await login(t.hs)
    const devices = [a.deviceId, b.deviceId]
    const challenge = await call(t.hs, 'POST', '/_matrix/client/v3/delete_devices', { body: { devices }, token: me.accessToken })
    expect(challenge.status).toBe(401)
    const done = await call(t.hs, 'POST', '/_matrix/client/v3/delete_devices', { body: { devices, auth: passwordAuth(challenge.body.session) }, token: me.accessToken })
    expect([done.status, done.body]).toEqual([200, {}])
    expect(t.hs.devicesOf('alice').map((d) => d.deviceId)).toEqual([me.deviceId])
    expect((await call(t.hs, 'GET', '/_matrix/client/v3/account/whoami', { token: a.accessToken })).status).toBe(401)
  })

  it('answers a request without devices 400 M_MISSING_PARAM, and a list of non-strings 400 M_BAD_JSON', async () => {
    t.sendingBadRequestsOnPurpose()
    const me = await login(t.hs)
    const missing = await call(t.hs, 'POST', '/_matrix/client/v3/delete_devices', { body: {}, token: me.accessToken })
    expect([missing.status, missing.body.errcode]).toEqual([400, 'M_MISSING_PARAM'])
    const wrong = await call(t.hs, 'POST', '/_matrix/client/v3/delete_devices', { body: { devices: [1] }, token: me.accessToken })
    expect([wrong.status, wrong.body.errcode]).toEqual([400, 'M_BAD_JSON'])
  })
})
