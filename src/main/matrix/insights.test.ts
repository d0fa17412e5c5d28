import { describe, expect, it } from 'vitest'
import { newCrossSigningIdentity, newDeviceKeys, verifiedBy } from '../../../test/homeserver/cross-signing'
import { keysOfUser } from './endpoints/keys-query'
import { verifyDevices } from './cross-signing'
import { useHomeserver } from '../../../test/matrix/kit'

// The client's side of issue 11 against the test homeserver: one keys request, one filtered sync,
// one account data write, and the user agent from /devices.

describe('what the client reads about devices', () => {
  const kit = useHomeserver()

  it('verifies a device from a real /keys/query answer, with no trust in the server', async () => {
    const client = await kit.signedIn()
    const me = (await client.whoami()).deviceId!
    const identity = newCrossSigningIdentity('@alice:localhost')
    kit.hs.setCrossSigningKeys('alice', { master: identity.masterJson, selfSigning: identity.selfSigningJson, userSigning: identity.userSigningJson })
    kit.hs.addDevice('alice', { deviceId: 'PHONE', displayName: 'Pixel' })
    kit.hs.addDevice('alice', { deviceId: 'LAPTOP' })
    kit.hs.setDeviceKeys('alice', 'PHONE', verifiedBy(identity, newDeviceKeys('@alice:localhost', 'PHONE').json))
    kit.hs.setDeviceKeys('alice', 'LAPTOP', newDeviceKeys('@alice:localhost', 'LAPTOP').json)

    const answer = await client.keysQuery(['@alice:localhost'])
    const result = await verifyDevices('@alice:localhost', keysOfUser(answer, '@alice:localhost'), ['PHONE', 'LAPTOP', me])
    expect(Object.fromEntries([...result.devices].map(([id, v]) => [id, v.state]))).toEqual({ PHONE: 'verified', LAPTOP: 'unverified', [me]: 'no-encryption' })
    expect(result.masterKey).toBe(identity.master.publicKey)
  })

  it('fingerprints each keys answer by its bytes, so a changed answer is checked again and never answered from memory', async () => {
    const client = await kit.signedIn()
    const identity = newCrossSigningIdentity('@alice:localhost')
    kit.hs.setCrossSigningKeys('alice', { master: identity.masterJson, selfSigning: identity.selfSigningJson })
    kit.hs.addDevice('alice', { deviceId: 'PHONE' })
    kit.hs.setDeviceKeys('alice', 'PHONE', verifiedBy(identity, newDeviceKeys('@alice:localhost', 'PHONE').json))
    const first = await client.keysQuery(['@alice:localhost'])
    const again = await client.keysQuery(['@alice:localhost'])
    expect(again.digest).toBe(first.digest)
    expect(keysOfUser(again, '@alice:localhost').answerDigest).toBe(first.digest)
    expect((await verifyDevices('@alice:localhost', keysOfUser(first, '@alice:localhost'), ['PHONE'])).devices.get('PHONE')?.state).toBe('verified')

    // The server now serves keys nobody verified for the same device.
    kit.hs.setDeviceKeys('alice', 'PHONE', newDeviceKeys('@alice:localhost', 'PHONE').json)
    const changed = await client.keysQuery(['@alice:localhost'])
    expect(changed.digest).not.toBe(first.digest)
    expect((await verifyDevices('@alice:localhost', keysOfUser(changed, '@alice:localhost'), ['PHONE'])).devices.get('PHONE')?.state).toBe('unverified')
  })

  it('reads every device’s client information in one filtered sync that never waits', async () => {
    const client = await kit.signedIn()
    kit.hs.setAccountData('alice', 'io.element.matrix_client_information.PHONE', { name: 'Element X Android', version: '25.04.0' })
    kit.hs.setAccountData('alice', 'io.element.matrix_client_information.WEB', { name: 'Element', version: '1.11.85', url: 'app.element.io' })
    kit.hs.setAccountData('alice', 'm.push_rules', { global: {} })
    kit.hs.clearRequests()

    const info = await client.clientInformation()
    expect(Object.fromEntries(info)).toEqual({
      PHONE: { name: 'Element X Android', version: '25.04.0' },
      WEB: { name: 'Element', version: '1.11.85', url: 'app.element.io' },
    })
    const syncs = kit.hs.requests.filter((r) => r.endpoint === 'sync')
    expect(syncs).toHaveLength(1)
    expect(syncs[0]?.query).toMatchObject({ timeout: '0', set_presence: 'offline' })
    expect(JSON.parse(syncs[0]!.query['filter']!)).toMatchObject({ account_data: { types: ['io.element.matrix_client_information.*'] }, room: { rooms: [] } })
  })

  it('publishes its own client information and withdraws it with {}', async () => {
    const client = await kit.signedIn()
    const me = (await client.whoami()).deviceId!
    await client.publishClientInformation(me, { name: 'Latchkey', version: '0.1.0', url: 'https://example.org/latchkey' })
    expect(kit.hs.accountDataOf('alice')[`io.element.matrix_client_information.${me}`]).toEqual({ name: 'Latchkey', version: '0.1.0', url: 'https://example.org/latchkey' })
    await client.publishClientInformation(me, {})
    expect(kit.hs.accountDataOf('alice')[`io.element.matrix_client_information.${me}`]).toEqual({})
  })

  it('reads the user agent under either name', async () => {
    const client = await kit.signedIn()
    kit.hs.addDevice('alice', { deviceId: 'PHONE', userAgent: 'Element/1.11.4 (iPhone; iOS 17.2; Scale/3.00)' })
    expect((await client.devices()).find((d) => d.deviceId === 'PHONE')?.lastSeenUserAgent).toBe('Element/1.11.4 (iPhone; iOS 17.2; Scale/3.00)')
    kit.hs.setUserAgentStyle('unstable')
    expect((await client.devices()).find((d) => d.deviceId === 'PHONE')?.lastSeenUserAgent).toBe('Element/1.11.4 (iPhone; iOS 17.2; Scale/3.00)')
    kit.hs.setUserAgentStyle('none')
    expect((await client.devices()).find((d) => d.deviceId === 'PHONE')?.lastSeenUserAgent).toBeUndefined()
  })

  it('turns a keys answer that is not an object of objects into a typed error that names the server', async () => {
    const client = await kit.signedIn()
    kit.hs.rewriteKeysQuery(() => ({ device_keys: { '@alice:localhost': 'everything is fine' } }))
    await expect(client.keysQuery(['@alice:localhost'])).rejects.toMatchObject({ kind: 'malformed', endpoint: 'keysQuery' })
  })
})
