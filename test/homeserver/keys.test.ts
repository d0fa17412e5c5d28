import { describe, expect, it } from 'vitest'
import { newCrossSigningIdentity, newDeviceKeys, verifiedBy } from './cross-signing'
import { call, login, passwordLogin, useHomeserver } from './fixtures'
import type { TestHomeserver } from './types'

// The test homeserver's side of issue 11: /keys/query serves what the tests uploaded, a filtered
// /sync serves account data, and /devices carries each device's user agent as the switch says.

describe('the test homeserver, for what devices publish', () => {
  const t = useHomeserver()

  it('serves uploaded device keys and the cross-signing keys, the user-signing key only to its owner', async () => {
    const alice = await login(t.hs, 'alice', 'wonderland', { device_id: 'PHONE' })
    const identity = newCrossSigningIdentity('@alice:localhost')
    const keys = verifiedBy(identity, newDeviceKeys('@alice:localhost', 'PHONE').json)
    t.hs.setDeviceKeys('alice', 'PHONE', keys)
    t.hs.setCrossSigningKeys('alice', { master: identity.masterJson, selfSigning: identity.selfSigningJson, userSigning: identity.userSigningJson })

    const own = await call(t.hs, 'POST', '/_matrix/client/v3/keys/query', { token: alice.accessToken, body: { device_keys: { '@alice:localhost': [] } } })
    expect(own.status).toBe(200)
    expect(own.body.device_keys['@alice:localhost'].PHONE).toEqual(keys)
    expect(own.body.master_keys['@alice:localhost']).toEqual(identity.masterJson)
    expect(own.body.self_signing_keys['@alice:localhost']).toEqual(identity.selfSigningJson)
    expect(own.body.user_signing_keys['@alice:localhost']).toEqual(identity.userSigningJson)

    const bob = await login(t.hs, 'bob', 'builder')
    const other = await call(t.hs, 'POST', '/_matrix/client/v3/keys/query', { token: bob.accessToken, body: { device_keys: { '@alice:localhost': [] } } })
    expect(other.body.user_signing_keys).toEqual({})
    expect(other.body.master_keys['@alice:localhost']).toEqual(identity.masterJson)
  })

  it('serves no keys for a device that uploaded none', async () => {
    const alice = await login(t.hs, 'alice', 'wonderland')
    const r = await call(t.hs, 'POST', '/_matrix/client/v3/keys/query', { token: alice.accessToken, body: { device_keys: { '@alice:localhost': [] } } })
    expect(r.body.device_keys).toEqual({ '@alice:localhost': {} })
    expect(r.body.master_keys).toEqual({})
  })

  it('lets a test play a hostile server that rewrites the keys answer', async () => {
    const alice = await login(t.hs, 'alice', 'wonderland')
    t.hs.rewriteKeysQuery((answer) => ({ ...answer, master_keys: { '@alice:localhost': 'not a key' } }))
    const r = await call(t.hs, 'POST', '/_matrix/client/v3/keys/query', { token: alice.accessToken, body: { device_keys: { '@alice:localhost': [] } } })
    expect(r.body.master_keys['@alice:localhost']).toBe('not a key')
  })

  it('answers a filtered /sync with only the account data types asked for, wildcards included', async () => {
    const alice = await login(t.hs, 'alice', 'wonderland')
    t.hs.setAccountData('alice', 'io.element.matrix_client_information.PHONE', { name: 'Element X Android', version: '25.04.0' })
    t.hs.setAccountData('alice', 'm.direct', {})
    const filter = JSON.stringify({ account_data: { types: ['io.element.matrix_client_information.*'] }, room: { rooms: [] } })
    const r = await call(t.hs, 'GET', `/_matrix/client/v3/sync?timeout=0&filter=${encodeURIComponent(filter)}`, { token: alice.accessToken })
    expect(r.status).toBe(200)
    expect(r.body.account_data.events).toEqual([{ type: 'io.element.matrix_client_information.PHONE', content: { name: 'Element X Android', version: '25.04.0' } }])
    expect(typeof r.body.next_batch).toBe('string')
  })

  it("stores account data a user writes for themselves and refuses someone else's", async () => {
    const alice = await login(t.hs, 'alice', 'wonderland')
    const path = '/_matrix/client/v3/user/%40alice%3Alocalhost/account_data/io.element.matrix_client_information.X'
    expect((await call(t.hs, 'PUT', path, { token: alice.accessToken, body: { name: 'Latchkey' } })).status).toBe(200)
    expect(t.hs.accountDataOf('alice')['io.element.matrix_client_information.X']).toEqual({ name: 'Latchkey' })
    const bob = await login(t.hs, 'bob', 'builder')
    const refused = await call(t.hs, 'PUT', path, { token: bob.accessToken, body: { name: 'Mallory' } })
    expect(refused.status).toBe(403)
    expect(refused.body.errcode).toBe('M_FORBIDDEN')
  })

  it("records each sign-in's User-Agent and serves it as last_seen_user_agent by default", async () => {
    const alice = await loginAs(t.hs, 'Element/1.11.4 (iPhone; iOS 17.2; Scale/3.00)')
    const r = await call(t.hs, 'GET', '/_matrix/client/v3/devices', { token: alice, headers: { 'User-Agent': 'Element/1.11.4 (iPhone; iOS 17.2; Scale/3.00)' } })
    expect(r.body.devices[0].last_seen_user_agent).toBe('Element/1.11.4 (iPhone; iOS 17.2; Scale/3.00)')
  })

  it('serves the user agent under the MSC3852 name, or not at all, when switched', async () => {
    const alice = await loginAs(t.hs, 'curl/8.5.0')
    t.hs.setUserAgentStyle('unstable')
    const unstable = await call(t.hs, 'GET', '/_matrix/client/v3/devices', { token: alice, headers: { 'User-Agent': 'curl/8.5.0' } })
    expect(unstable.body.devices[0]['org.matrix.msc3852.last_seen_user_agent']).toBe('curl/8.5.0')
    expect(unstable.body.devices[0].last_seen_user_agent).toBeUndefined()
    t.hs.setUserAgentStyle('none')
    const none = await call(t.hs, 'GET', '/_matrix/client/v3/devices', { token: alice })
    expect(Object.keys(none.body.devices[0]).filter((k) => k.includes('user_agent'))).toEqual([])
  })
})

/** Signs alice in with this User-Agent; answers the access token. */
async function loginAs(hs: TestHomeserver, userAgent: string): Promise<string> {
  const r = await call(hs, 'POST', '/_matrix/client/v3/login', { body: passwordLogin('alice', 'wonderland'), headers: { 'User-Agent': userAgent } })
  return r.body.access_token as string
}
