import { createClient as createSdkClient, MatrixError, type AuthDict, type ICreateClientOpts } from 'matrix-js-sdk'
import { describe, expect, it } from 'vitest'
import { call, useHomeserver } from './fixtures'

// A real client nobody here wrote checks the test homeserver: if matrix-js-sdk can use it, the
// homeserver speaks Matrix and not just what our own tests expect.

// The SDK logs every request; the tests only need its errors.
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, getChild: () => quiet }
const createClient = (options: ICreateClientOpts) => createSdkClient({ ...options, logger: quiet })

const password = (session: string): AuthDict => ({
  type: 'm.login.password',
  identifier: { type: 'm.id.user', user: 'alice' },
  password: 'wonderland',
  session,
})

/** Runs a UIA-protected call: the first attempt must answer the 401 challenge, the second completes it. */
async function withPasswordUia<T>(attempt: (auth?: AuthDict) => Promise<T>): Promise<T> {
  const challenge = await attempt().then(
    () => expect.fail('the homeserver did not ask for User-Interactive Authentication'),
    (error: unknown) => error,
  )
  expect(challenge).toBeInstanceOf(MatrixError)
  const uia = challenge as MatrixError
  expect(uia.httpStatus).toBe(401)
  expect(uia.data.flows).toEqual([{ stages: ['m.login.password'] }])
  return attempt(password(uia.data.session as string))
}

describe('matrix-js-sdk against the test homeserver', () => {
  const t = useHomeserver()

  it('logs in, calls whoami, lists, renames and deletes devices, requests a login token and logs out', async () => {
    const anonymous = createClient({ baseUrl: t.hs.url })
    const flows = await anonymous.loginFlows()
    expect(flows.flows.map((f) => f.type)).toContain('m.login.password')

    const signedIn = await anonymous.loginRequest({
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: 'alice' },
      password: 'wonderland',
      initial_device_display_name: 'matrix-js-sdk',
    })
    const other = await anonymous.loginRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'wonderland' })
    const client = createClient({ baseUrl: t.hs.url, userId: signedIn.user_id, accessToken: signedIn.access_token, deviceId: signedIn.device_id })

    expect(await client.whoami()).toMatchObject({ user_id: '@alice:localhost', device_id: signedIn.device_id, is_guest: false })

    const listed = await client.getDevices()
    expect(listed.devices.map((d) => d.device_id).sort()).toEqual([signedIn.device_id, other.device_id].sort())
    expect(listed.devices.find((d) => d.device_id === signedIn.device_id)?.display_name).toBe('matrix-js-sdk')

    await client.setDeviceDetails(other.device_id, { display_name: 'Renamed by matrix-js-sdk' })
    expect((await client.getDevice(other.device_id)).display_name).toBe('Renamed by matrix-js-sdk')

    await withPasswordUia((auth) => client.deleteDevice(other.device_id, auth))
    expect((await client.getDevices()).devices.map((d) => d.device_id)).toEqual([signedIn.device_id])

    const third = await anonymous.loginRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'wonderland' })
    await withPasswordUia((auth) => client.deleteMultipleDevices([third.device_id], auth))
    expect(t.hs.devicesOf('alice').map((d) => d.deviceId)).toEqual([signedIn.device_id])

    const token = await withPasswordUia((auth) => client.requestLoginToken(auth))
    expect('login_token' in token && token.login_token).toEqual(expect.any(String))
    const byToken = await anonymous.loginRequest({ type: 'm.login.token', token: (token as { login_token: string }).login_token })
    expect(byToken.user_id).toBe('@alice:localhost')

    await client.logout()
    const after = await call(t.hs, 'GET', '/_matrix/client/v3/account/whoami', { token: signedIn.access_token })
    expect(after.body).toMatchObject({ errcode: 'M_UNKNOWN_TOKEN', soft_logout: false })
    await expect(client.whoami()).rejects.toMatchObject({ errcode: 'M_UNKNOWN_TOKEN', httpStatus: 401 })
  })
})
