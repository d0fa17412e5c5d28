import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { specViolations } from '../spec/openapi'
import { login, useHomeserver } from './fixtures'

const PATHS = [
  '/_matrix/client/v3/login', '/_matrix/client/v3/logout', '/_matrix/client/v3/logout/all', '/_matrix/client/v3/account/whoami',
  '/_matrix/client/v1/login/get_token', '/_matrix/client/v3/refresh', '/_matrix/client/v3/devices', '/_matrix/client/v3/devices/OTHER',
  '/_matrix/client/v3/delete_devices', '/_matrix/client/v3/profile/%40alice%3Alocalhost', '/_matrix/client/v3/devices/%E0%A4%A',
  '/_matrix/client/v1/media/thumbnail/localhost/carolavatar', '/_matrix/client/v3/login/sso/redirect', '/_test/idp/test-idp',
  '/_matrix/client/v3/auth/m.login.sso/fallback/web',
]

const json = fc.jsonValue().map((v) => JSON.stringify(v))
const loginish = fc.record({
  type: fc.constantFrom('m.login.password', 'm.login.token', 'm.login.sso', 7),
  identifier: fc.oneof(fc.constant(undefined), fc.jsonValue(), fc.record({ type: fc.constantFrom('m.id.user', 'm.id.phone', 'm.id.thirdparty'), user: fc.jsonValue(), country: fc.jsonValue(), phone: fc.jsonValue(), medium: fc.jsonValue(), address: fc.jsonValue() })),
  password: fc.jsonValue(), token: fc.jsonValue(), device_id: fc.jsonValue(), refresh_token: fc.jsonValue(),
  auth: fc.oneof(fc.jsonValue(), fc.record({ type: fc.jsonValue(), session: fc.jsonValue(), identifier: fc.jsonValue(), password: fc.jsonValue() })),
  devices: fc.jsonValue(), display_name: fc.jsonValue(),
}, { requiredKeys: [] }).map((v) => JSON.stringify(v))

describe('robustness against arbitrary requests', () => {
  const t = useHomeserver()

  it('answers every arbitrary request with a Matrix error or a valid answer, never a 500, and keeps serving', async () => {
    t.sendingBadRequestsOnPurpose()
    const session = await login(t.hs)
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
        fc.oneof(fc.constantFrom(...PATHS), fc.string().map((s) => `/_matrix/client/v3/${encodeURIComponent(s)}`)),
        fc.oneof(json, loginish, fc.string(), fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('latin1'))),
        fc.boolean(),
        async (method, path, body, authenticated) => {
          const response = await fetch(t.hs.url + path, {
            method,
            headers: { 'Content-Type': 'application/json', ...(authenticated ? { Authorization: `Bearer ${session.accessToken}` } : {}) },
            body: method === 'GET' ? undefined : body,
            redirect: 'manual',
          })
          await response.arrayBuffer()
          expect(response.status).toBeLessThan(500)
        },
      ),
      { numRuns: 400 },
    )
    expect((await fetch(`${t.hs.url}/_matrix/client/versions`)).status).toBe(200)
    expect(specViolations(t.hs.requests, { requests: false })).toEqual([])
  })
})
