import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  newCrossSigningIdentity,
  newDeviceKeys,
  newSigningKey,
  signJson,
  verifiedBy,
  type CrossSigningIdentity,
  type Json,
} from '../../../test/homeserver/cross-signing'
import { verifyDevices, type Verification } from './cross-signing'
import type { UserKeys } from './endpoints/keys-query'

const ALICE = '@alice:example.org'

interface Scene {
  identity: CrossSigningIdentity
  keys: UserKeys
}

/** An account with a cross-signing identity, a verified PHONE, an unverified LAPTOP and a keyless BOT. */
function scene(): Scene {
  const identity = newCrossSigningIdentity(ALICE)
  const phone = verifiedBy(identity, newDeviceKeys(ALICE, 'PHONE').json)
  const laptop = newDeviceKeys(ALICE, 'LAPTOP').json
  return {
    identity,
    keys: { deviceKeys: { PHONE: phone, LAPTOP: laptop }, masterKey: identity.masterJson, selfSigningKey: identity.selfSigningJson },
  }
}

async function check(keys: UserKeys, deviceId: string): Promise<Verification> {
  return (await verifyDevices(ALICE, keys, [deviceId])).devices.get(deviceId)!
}

const withDevice = (keys: UserKeys, deviceId: string, json: unknown): UserKeys => ({ ...keys, deviceKeys: { ...keys.deviceKeys, [deviceId]: json } })

describe('cross-signing verification', () => {
  it('calls a device verified when the self-signing key signed its keys and the master key signed that key', async () => {
    const { keys } = scene()
    const phone = keys.deviceKeys['PHONE'] as { keys: Record<string, string> }
    expect(await check(keys, 'PHONE')).toEqual({ state: 'verified', fingerprint: phone.keys['ed25519:PHONE'] })
  })

  it('reports the master and self-signing keys it checked against', async () => {
    const { keys, identity } = scene()
    const result = await verifyDevices(ALICE, keys, ['PHONE'])
    expect(result.masterKey).toBe(identity.master.publicKey)
    expect(result.selfSigningKey).toBe(identity.selfSigning.publicKey)
    expect(result.identityProblem).toBeUndefined()
  })

  it('calls a device with keys but no self-signing signature unverified', async () => {
    expect((await check(scene().keys, 'LAPTOP')).state).toBe('unverified')
  })

  it('says no encryption for a device that published no keys', async () => {
    expect(await check(scene().keys, 'BOT')).toEqual({ state: 'no-encryption' })
  })

  it('calls every device unverified on an account that never set up cross-signing', async () => {
    const { keys } = scene()
    const result = await verifyDevices(ALICE, { deviceKeys: keys.deviceKeys }, ['PHONE', 'LAPTOP'])
    expect([...result.devices.values()].map((v) => v.state)).toEqual(['unverified', 'unverified'])
    expect(result.masterKey).toBeUndefined()
  })

  it('ignores the unsigned part a server adds (it is not covered by signatures)', async () => {
    const { keys } = scene()
    const phone = { ...(keys.deviceKeys['PHONE'] as Json), unsigned: { device_display_name: 'Pixel' } }
    expect((await check(withDevice(keys, 'PHONE', phone), 'PHONE')).state).toBe('verified')
  })

  it('does not trust a forged signature filed under the self-signing key', async () => {
    const { keys, identity } = scene()
    const forger = newSigningKey()
    const forged = signJson(newDeviceKeys(ALICE, 'EVIL').json, ALICE, identity.selfSigning.publicKey, forger)
    const v = await check(withDevice(keys, 'EVIL', forged), 'EVIL')
    expect(v.state).toBe('unknown')
    expect(v).toMatchObject({ why: expect.stringMatching(/forged or damaged/) })
  })

  it('does not trust a signature over other JSON (a key swapped in after signing)', async () => {
    const { keys } = scene()
    const phone = structuredClone(keys.deviceKeys['PHONE']) as { keys: Record<string, string> }
    phone.keys['curve25519:PHONE'] = newSigningKey().publicKey
    expect((await check(withDevice(keys, 'PHONE', phone), 'PHONE')).state).toBe('unknown')
  })

  it('does not trust a self-signing key the master key did not sign', async () => {
    const { keys, identity } = scene()
    const { signatures: _dropped, ...unsignedSsk } = identity.selfSigningJson
    const result = await verifyDevices(ALICE, { ...keys, selfSigningKey: unsignedSsk }, ['PHONE', 'LAPTOP', 'BOT'])
    expect(result.devices.get('PHONE')).toEqual({ state: 'unknown', why: "The server's device-signing key is not signed by the account's identity key." })
    expect(result.devices.get('LAPTOP')?.state).toBe('unknown')
    expect(result.devices.get('BOT')).toEqual({ state: 'no-encryption' })
    expect(result.identityProblem).toMatch(/not signed/)
  })

  it('does not trust a self-signing key signed by some other key under the master key id', async () => {
    const { keys, identity } = scene()
    const impostor = newSigningKey()
    const { signatures: _dropped, ...bare } = identity.selfSigningJson
    const ssk = signJson(bare, ALICE, identity.master.publicKey, impostor)
    expect((await check({ ...keys, selfSigningKey: ssk }, 'PHONE')).state).toBe('unknown')
  })

  it('does not trust a whole identity the server swapped: its own master signing its own self-signing key is "verified" only against that master, which it reports', async () => {
    const { keys } = scene()
    const swapped = newCrossSigningIdentity(ALICE)
    const phone = verifiedBy(swapped, newDeviceKeys(ALICE, 'PHONE').json)
    const result = await verifyDevices(ALICE, { deviceKeys: { PHONE: phone }, masterKey: swapped.masterJson, selfSigningKey: swapped.selfSigningJson }, ['PHONE'])
    expect(result.devices.get('PHONE')?.state).toBe('verified')
    // The caller remembers the first master key it saw and warns when this differs.
    expect(result.masterKey).toBe(swapped.master.publicKey)
    expect(result.masterKey).not.toBe((await verifyDevices(ALICE, keys, [])).masterKey)
  })

  describe('says "could not check" with a reason for a malformed or hostile answer', () => {
    const cases: Array<[string, (s: Scene) => UserKeys, string]> = [
      ['a master key for someone else', (s) => ({ ...s.keys, masterKey: { ...s.identity.masterJson, user_id: '@mallory:example.org' } }), 'PHONE'],
      ['a master key filed under the wrong key id', (s) => ({ ...s.keys, masterKey: { ...s.identity.masterJson, keys: { 'ed25519:other': s.identity.master.publicKey } } }), 'PHONE'],
      ['a master key with two keys', (s) => ({ ...s.keys, masterKey: { ...s.identity.masterJson, keys: { ...(s.identity.masterJson.keys as Json), 'ed25519:x': 'x' } } }), 'PHONE'],
      ['a master key that is not a key', (s) => ({ ...s.keys, masterKey: 'master' }), 'PHONE'],
      ['a master key not marked as one', (s) => ({ ...s.keys, masterKey: { ...s.identity.masterJson, usage: ['self_signing'] } }), 'PHONE'],
      ['a self-signing key with a 31-byte key', (s) => ({ ...s.keys, selfSigningKey: { ...s.identity.selfSigningJson, keys: { 'ed25519:AAAA': 'AAAA' } } }), 'PHONE'],
      ['device keys that are an array', (s) => withDevice(s.keys, 'PHONE', []), 'PHONE'],
      ['device keys of another device under this id', (s) => withDevice(s.keys, 'LAPTOP', s.keys.deviceKeys['PHONE']), 'LAPTOP'],
      ['device keys of another user', (s) => withDevice(s.keys, 'PHONE', { ...(s.keys.deviceKeys['PHONE'] as Json), user_id: '@mallory:example.org' }), 'PHONE'],
      ['device keys without their signing key', (s) => withDevice(s.keys, 'PHONE', { ...(s.keys.deviceKeys['PHONE'] as Json), keys: {} }), 'PHONE'],
      ['a signature that is not base64', (s) => withDevice(s.keys, 'PHONE', resign(s, 'not base64!')), 'PHONE'],
      ['a signature of the wrong length', (s) => withDevice(s.keys, 'PHONE', resign(s, 'AAAA')), 'PHONE'],
      ['signatures that are a string', (s) => withDevice(s.keys, 'PHONE', { ...(s.keys.deviceKeys['PHONE'] as Json), signatures: 'yes' }), 'PHONE'],
      ['keys nested deeper than any stack', (s) => withDevice(s.keys, 'PHONE', { ...(s.keys.deviceKeys['PHONE'] as Json), extra: deep(100_000) }), 'PHONE'],
      ['a huge device keys object', (s) => withDevice(s.keys, 'PHONE', { ...(s.keys.deviceKeys['PHONE'] as Json), extra: 'x'.repeat(200_000) }), 'PHONE'],
    ]
    it.each(cases)('%s', async (_what, make, deviceId) => {
      const v = await check(make(scene()), deviceId)
      expect(v.state).toBe('unknown')
      expect(v).toMatchObject({ why: expect.stringMatching(/^[A-Z].*\.$/) })
    })
  })

  it('reads a device id named __proto__ as data, not as the prototype', async () => {
    const { keys } = scene()
    expect(await check(keys, '__proto__')).toEqual({ state: 'no-encryption' })
    expect(await check(keys, 'constructor')).toEqual({ state: 'no-encryption' })
  })

  it('never calls a device verified after any change to what was signed', async () => {
    const s = scene()
    const phone = s.keys.deviceKeys['PHONE'] as Json
    const paths = ['user_id', 'device_id', 'algorithms', 'keys']
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.jsonValue(), async (field, value) => {
        fc.pre(JSON.stringify(value) !== JSON.stringify(phone[field]))
        return (await check(withDevice(s.keys, 'PHONE', { ...phone, [field]: value }), 'PHONE')).state !== 'verified'
      }),
      { numRuns: 300 },
    )
  })

  it('answers a remembered answer again as it was, whatever a caller did to the result before', async () => {
    const { keys } = scene()
    await verifyDevices(ALICE, keys, ['PHONE', 'LAPTOP'])
    const first = await verifyDevices(ALICE, keys, ['PHONE', 'LAPTOP'])
    first.devices.delete('PHONE')
    first.devices.set('LAPTOP', { state: 'verified', fingerprint: 'forged' })
    const again = await verifyDevices(ALICE, keys, ['PHONE', 'LAPTOP'])
    expect(again.devices.get('PHONE')?.state).toBe('verified')
    expect(again.devices.get('LAPTOP')?.state).toBe('unverified')
  })

  it('checks an answer again when only the devices asked about differ', async () => {
    const { keys } = scene()
    expect([...(await verifyDevices(ALICE, keys, ['PHONE'])).devices.keys()]).toEqual(['PHONE'])
    expect([...(await verifyDevices(ALICE, keys, ['PHONE', 'BOT'])).devices]).toEqual([
      ['PHONE', expect.objectContaining({ state: 'verified' })],
      ['BOT', { state: 'no-encryption' }],
    ])
  })

  it('answers every one of 200 devices checked at once, each with its own verdict, in the order asked', async () => {
    const identity = newCrossSigningIdentity(ALICE)
    const deviceKeys: Record<string, unknown> = {}
    // Every third device is forged (signed by a key that is not the self-signing key): the checks
    // run side by side on the thread pool, and no verdict may land on another device.
    const forger = newCrossSigningIdentity(ALICE)
    for (let i = 0; i < 200; i++) {
      const own = newDeviceKeys(ALICE, `D${i}`).json
      deviceKeys[`D${i}`] = i % 3 === 0 ? forgedAs(identity, verifiedBy(forger, own)) : verifiedBy(identity, own)
    }
    const keys = { deviceKeys, masterKey: identity.masterJson, selfSigningKey: identity.selfSigningJson }
    const ids = Object.keys(deviceKeys).reverse()
    const result = await verifyDevices(ALICE, keys, ids)
    expect([...result.devices.keys()]).toEqual(ids)
    for (const [id, v] of result.devices) expect(v.state).toBe(Number(id.slice(1)) % 3 === 0 ? 'unknown' : 'verified')
  })
})

/** Device keys signed by another identity's self-signing key, the signature filed under `identity`'s. */
function forgedAs(identity: ReturnType<typeof newCrossSigningIdentity>, signed: unknown): unknown {
  const json = structuredClone(signed) as { signatures: Record<string, Record<string, string>> }
  const byUser = json.signatures[ALICE]!
  const forged = Object.entries(byUser).find(([keyId]) => !keyId.endsWith(`:${(json as unknown as { device_id: string }).device_id}`))!
  delete byUser[forged[0]]
  byUser[`ed25519:${identity.selfSigning.publicKey}`] = forged[1]
  return json
}

function resign(s: Scene, signature: string): Json {
  const phone = structuredClone(s.keys.deviceKeys['PHONE']) as { signatures: Record<string, Record<string, string>> }
  phone.signatures[ALICE]![`ed25519:${s.identity.selfSigning.publicKey}`] = signature
  return phone as unknown as Json
}

function deep(levels: number): unknown {
  let value: unknown = 1
  for (let i = 0; i < levels; i++) value = [value]
  return value
}
