import { afterEach, describe, expect, it } from 'vitest'
import { newCrossSigningIdentity, newDeviceKeys, verifiedBy, type CrossSigningIdentity } from '../../../test/homeserver/cross-signing'
import { PASSWORDS, startHarness, type Harness } from '../../../test/service/harness'
import type { Device } from '../../shared/contract'

// Issue 11 through the service: what each device is, whether it is verified, what is new, the
// master key remembered, Latchkey's own client information, and the recommendations.

let h: Harness
afterEach(async () => h?.close())

const ALICE = (h: Harness) => `@alice:${h.hs.serverName}`
const DAY = 24 * 60 * 60 * 1000

/** Alice with a cross-signing identity, a verified phone, an unverified laptop and a keyless bot. */
function seedAlice(h: Harness): CrossSigningIdentity {
  const userId = ALICE(h)
  const identity = newCrossSigningIdentity(userId)
  h.hs.setCrossSigningKeys('alice', { master: identity.masterJson, selfSigning: identity.selfSigningJson, userSigning: identity.userSigningJson })
  const now = Date.now()
  h.hs.addDevice('alice', { deviceId: 'PHONE', displayName: 'Pixel 8', lastSeenTs: now - 60_000, userAgent: 'Element X Android/25.04.0 (Google Pixel 8; Android 14; AP2A; Sdk 1.0)' })
  h.hs.addDevice('alice', { deviceId: 'LAPTOP', displayName: 'Element Desktop: macOS', lastSeenTs: now - 120 * DAY })
  h.hs.addDevice('alice', { deviceId: 'BOT', displayName: 'Reminder bot', lastSeenTs: now - 2 * DAY, userAgent: 'mautrix-go/v0.20.0' })
  h.hs.setDeviceKeys('alice', 'PHONE', verifiedBy(identity, newDeviceKeys(userId, 'PHONE').json))
  h.hs.setDeviceKeys('alice', 'LAPTOP', newDeviceKeys(userId, 'LAPTOP').json)
  h.hs.setAccountData('alice', 'io.element.matrix_client_information.PHONE', { name: 'Element X Android', version: '25.04.0' })
  return identity
}

const byId = (devices: Device[]) => Object.fromEntries(devices.map((d) => [d.deviceId, d]))

describe('the devices view', () => {
  it('shows what each device is, with its source, and whether it is verified', async () => {
    h = await startHarness()
    seedAlice(h)
    const alice = await h.addAlice()
    const devices = byId(await h.service.listDevices({ accountId: alice.id }))

    expect(devices['PHONE']).toMatchObject({
      type: 'mobile',
      client: { name: 'Element X Android', version: '25.04.0' },
      os: 'Android',
      sources: { client: 'client-information', type: 'client-information', os: 'client-information' },
      verification: { state: 'verified', fingerprint: expect.any(String) },
    })
    expect(devices['LAPTOP']).toMatchObject({ type: 'desktop', client: { name: 'Element' }, os: 'macOS', sources: { client: 'display-name' }, verification: { state: 'unverified' } })
    expect(devices['BOT']).toMatchObject({ type: 'cli-bot', client: { name: 'mautrix-go' }, sources: { client: 'user-agent' }, verification: { state: 'no-encryption' } })
    // Latchkey's own session: its sign-in's User-Agent, and no keys.
    expect(devices[alice.deviceId]).toMatchObject({ current: true, userAgent: 'Latchkey', verification: { state: 'no-encryption' } })
  })

  it('asks for the devices, the keys and the client information once each, in parallel', async () => {
    h = await startHarness()
    seedAlice(h)
    const alice = await h.addAlice()
    await h.service.listDevices({ accountId: alice.id })
    h.hs.clearRequests()
    await h.service.listDevices({ accountId: alice.id })
    expect(h.hs.requests.map((r) => r.endpoint).sort()).toEqual(['devices', 'keysQuery', 'sync'])
  })

  it('still lists the devices when the keys cannot be read, each "could not check" with the reason', async () => {
    h = await startHarness()
    seedAlice(h)
    const alice = await h.addAlice()
    h.hs.setFault('keysQuery', { kind: 'status', status: 502 })
    const devices = byId(await h.service.listDevices({ accountId: alice.id }))
    expect(devices['PHONE']?.verification).toEqual({ state: 'unknown', reason: expect.stringMatching(/^Latchkey could not ask for the encryption keys: .*\.$/) })
    expect(devices['PHONE']?.client?.name).toBe('Element X Android')
  })

  it('never shows a device verified when the server forges the self-signing key, and the rest of the view works', async () => {
    h = await startHarness()
    seedAlice(h)
    const alice = await h.addAlice()
    const impostor = newCrossSigningIdentity(ALICE(h))
    h.hs.rewriteKeysQuery((answer) => ({ ...answer, self_signing_keys: { [ALICE(h)]: impostor.selfSigningJson } }))
    const devices = await h.service.listDevices({ accountId: alice.id })
    expect(devices.some((d) => d.verification?.state === 'verified')).toBe(false)
    expect(byId(devices)['PHONE']?.verification).toMatchObject({ state: 'unknown', reason: expect.stringMatching(/identity key/) })
    expect(byId(devices)['BOT']?.type).toBe('cli-bot')
  })

  it('shows "could not check" for a keys answer too large to accept', async () => {
    h = await startHarness()
    seedAlice(h)
    const alice = await h.addAlice()
    h.hs.rewriteKeysQuery((answer) => ({ ...answer, padding: 'x'.repeat(40 * 1024 * 1024) }))
    const devices = await h.service.listDevices({ accountId: alice.id })
    expect(byId(devices)['PHONE']?.verification?.state).toBe('unknown')
    expect(byId(devices)['PHONE']?.verification?.reason).toMatch(/could not ask for the encryption keys/)
  })
})

describe('the master key', () => {
  it('is remembered at the first look, and a change is warned about loudly and shown in the review', async () => {
    h = await startHarness()
    const identity = seedAlice(h)
    const alice = await h.addAlice()
    await h.service.listDevices({ accountId: alice.id })
    const stored = JSON.parse((await h.state()).file ?? '{}') as { accounts: Array<{ masterKey?: { key: string } }> }
    expect(stored.accounts[0]?.masterKey?.key).toBe(identity.master.publicKey)
    expect(h.eventsOf('notice')).toEqual([])

    const swapped = newCrossSigningIdentity(ALICE(h))
    h.hs.setCrossSigningKeys('alice', { master: swapped.masterJson, selfSigning: swapped.selfSigningJson })
    await h.service.listDevices({ accountId: alice.id })
    const notices = h.eventsOf('notice')
    expect(notices).toHaveLength(1)
    expect(notices[0]).toMatchObject({ level: 'error', message: expect.stringMatching(/verification identity of @alice:localhost has changed/) })
    const after = JSON.parse((await h.state()).file ?? '{}') as { accounts: Array<{ masterKey?: { key: string; changedFrom?: string; changedAt?: string } }> }
    expect(after.accounts[0]?.masterKey).toMatchObject({ key: swapped.master.publicKey, changedFrom: identity.master.publicKey, changedAt: expect.any(String) })

    const { accounts } = await h.service.review(undefined)
    expect(accounts[0]?.identityChangedAt).toBe(after.accounts[0]?.masterKey?.changedAt)
    // Said once, not at every look.
    await h.service.listDevices({ accountId: alice.id })
    expect(h.eventsOf('notice')).toHaveLength(1)

    // The person reset it themselves: the warning goes, the new key stays remembered.
    await h.service.acknowledgeIdentity({ accountId: alice.id })
    expect((await h.service.listAccounts(undefined)).accounts[0]?.identityChangedAt).toBeUndefined()
    const acknowledged = JSON.parse((await h.state()).file ?? '{}') as { accounts: Array<{ masterKey?: { key: string; changedAt?: string } }> }
    expect(acknowledged.accounts[0]?.masterKey).toEqual({ key: swapped.master.publicKey, firstSeenAt: expect.any(String) })
  })
})

describe('a changed identity the person has not confirmed', () => {
  it('vouches for no session: what it signed is "could not check" until the person says they reset it', async () => {
    h = await startHarness()
    seedAlice(h)
    const alice = await h.addAlice()
    expect(byId(await h.service.listDevices({ accountId: alice.id }))['PHONE']?.verification?.state).toBe('verified')

    // A hostile server swaps the identity and signs a session of its own, and the phone, with it.
    const swapped = newCrossSigningIdentity(ALICE(h))
    h.hs.setCrossSigningKeys('alice', { master: swapped.masterJson, selfSigning: swapped.selfSigningJson })
    h.hs.addDevice('alice', { deviceId: 'EVIL', displayName: 'Pixel 8' })
    h.hs.setDeviceKeys('alice', 'EVIL', verifiedBy(swapped, newDeviceKeys(ALICE(h), 'EVIL').json))
    h.hs.setDeviceKeys('alice', 'PHONE', verifiedBy(swapped, newDeviceKeys(ALICE(h), 'PHONE').json))
    for (const look of [() => h.service.listDevices({ accountId: alice.id }), async () => (await h.service.review(undefined)).accounts[0]!.devices]) {
      const devices = byId(await look())
      for (const id of ['EVIL', 'PHONE']) {
        expect(devices[id]?.verification).toEqual({ state: 'unknown', reason: expect.stringMatching(/new verification identity, which you have not confirmed/) })
      }
      expect(devices['LAPTOP']?.verification?.state).toBe('unverified')
    }
    // Still withheld at the next look, when nothing changes any more.
    expect(byId(await h.service.listDevices({ accountId: alice.id }))['EVIL']?.verification?.state).toBe('unknown')

    await h.service.acknowledgeIdentity({ accountId: alice.id })
    const confirmed = byId(await h.service.listDevices({ accountId: alice.id }))
    expect(confirmed['EVIL']?.verification?.state).toBe('verified')
    expect(confirmed['PHONE']?.verification?.state).toBe('verified')
  })
})

describe('new devices', () => {
  it('counts the devices present at the first look as seen, then marks a newcomer New and announces it once', async () => {
    h = await startHarness()
    seedAlice(h)
    const alice = await h.addAlice()
    const first = await h.service.listDevices({ accountId: alice.id })
    expect(first.filter((d) => d.new)).toEqual([])
    expect(h.eventsOf('newDevices')).toEqual([])

    h.hs.addDevice('alice', { deviceId: 'NEWPHONE', displayName: 'iPhone', userAgent: 'Element/1.11.4 (iPhone; iOS 17.2; Scale/3.00)', lastSeenTs: Date.now() })
    const second = byId(await h.service.listDevices({ accountId: alice.id }))
    expect(second['NEWPHONE']).toMatchObject({ new: true, firstSeenAt: expect.any(String), type: 'mobile' })
    expect(h.eventsOf('newDevices')).toEqual([{ accountId: alice.id, userId: ALICE(h), devices: [expect.objectContaining({ deviceId: 'NEWPHONE', os: 'iOS 17.2' })] }])

    await h.service.listDevices({ accountId: alice.id })
    expect(h.eventsOf('newDevices')).toHaveLength(1)
  })

  it('finds a new device in the session check, which lists devices instead of asking whoami', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    await h.service.checkAll(undefined)
    h.hs.addDevice('alice', { deviceId: 'INTRUDER', displayName: 'Firefox on Windows' })
    h.hs.clearRequests()
    await h.service.checkAll(undefined)
    expect(h.hs.requests.map((r) => r.endpoint)).toEqual(['devices'])
    expect(h.eventsOf('newDevices')).toEqual([{ accountId: alice.id, userId: ALICE(h), devices: [expect.objectContaining({ deviceId: 'INTRUDER', type: 'web', new: true })] }])
  })

  it('reports each new device to the command line once, and keeps the app’s New mark until the person looks', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    await h.service.checkAll(undefined)
    h.hs.addDevice('alice', { deviceId: 'INTRUDER' })
    await h.service.checkAll(undefined)

    const reports = await h.service.takeNewDeviceReports(undefined)
    expect(reports).toEqual([{ accountId: alice.id, userId: ALICE(h), device: expect.objectContaining({ deviceId: 'INTRUDER', new: true }) }])
    expect(await h.service.takeNewDeviceReports(undefined)).toEqual([])
    expect(byId(await h.service.listDevices({ accountId: alice.id }))['INTRUDER']?.new).toBe(true)

    await h.service.markDevicesSeen({ accountId: alice.id, deviceIds: ['INTRUDER'] })
    expect(byId(await h.service.listDevices({ accountId: alice.id }))['INTRUDER']?.new).toBeUndefined()
  })
})

describe("Latchkey's own client information", () => {
  it('is published for its own device at the first look, once', async () => {
    h = await startHarness({ service: { clientInformation: { name: 'Latchkey', version: '9.9.9' } } })
    const alice = await h.addAlice()
    await h.service.listDevices({ accountId: alice.id })
    expect(h.hs.accountDataOf('alice')[`io.element.matrix_client_information.${alice.deviceId}`]).toEqual({ name: 'Latchkey', version: '9.9.9' })
    h.hs.clearRequests()
    await h.service.listDevices({ accountId: alice.id })
    expect(h.hs.requests.filter((r) => r.endpoint === 'setAccountData')).toEqual([])
    // Others now see Latchkey by name.
    expect(byId(await h.service.listDevices({ accountId: alice.id }))[alice.deviceId]?.client).toEqual({ name: 'Latchkey', version: '9.9.9' })
  })

  it('is withdrawn with {} when the setting is turned off', async () => {
    let publish = true
    h = await startHarness({ service: { insightSettings: async () => ({ publishClientInformation: publish, newDeviceCheckMinutes: 15 }) } })
    const alice = await h.addAlice()
    await h.service.listDevices({ accountId: alice.id })
    publish = false
    await h.service.clientInformationSettingChanged()
    expect(h.hs.accountDataOf('alice')[`io.element.matrix_client_information.${alice.deviceId}`]).toEqual({})
  })
})

describe('the review across accounts', () => {
  it('counts unverified, inactive and new devices per account, leaving out Latchkey’s own session', async () => {
    h = await startHarness()
    seedAlice(h)
    const alice = await h.addAlice()
    const bob = await h.service.addWithLoginToken({ payload: h.hs.mintLoginToken('bob'), server: h.hs.url })
    await h.service.listDevices({ accountId: alice.id })
    h.hs.addDevice('alice', { deviceId: 'NEWONE', lastSeenTs: Date.now() })

    const { accounts } = await h.service.review(undefined)
    const a = accounts.find((r) => r.accountId === alice.id)!
    expect(a).toMatchObject({ unverified: ['LAPTOP'], inactive: ['LAPTOP'], new: ['NEWONE'], unknown: [] })
    expect(a.devices.map((d) => d.deviceId)).toContain('PHONE')
    const b = accounts.find((r) => r.accountId === bob.id)!
    expect(b).toMatchObject({ unverified: [], inactive: [], new: [] })
  })

  it('signs out the inactive sessions of several accounts, one answer per account', async () => {
    h = await startHarness()
    seedAlice(h)
    const alice = await h.addAlice()
    const bob = await h.service.addWithLoginToken({ payload: h.hs.mintLoginToken('bob'), server: h.hs.url })
    h.hs.addDevice('bob', { deviceId: 'OLDTAB', lastSeenTs: Date.now() - 400 * DAY })
    const { accounts } = await h.service.review(undefined)
    const plan = accounts.filter((r) => r.inactive.length > 0).map((r) => ({ accountId: r.accountId, deviceIds: r.inactive }))
    expect(plan).toHaveLength(2)

    const { results } = await h.service.signOutInactive({
      accounts: plan.map((p) => ({ ...p, auth: { type: 'password' as const, password: p.accountId === alice.id ? PASSWORDS.alice : PASSWORDS.bob } })),
    })
    expect(results).toEqual([
      { accountId: alice.id, signedOut: ['LAPTOP'] },
      { accountId: bob.id, signedOut: ['OLDTAB'] },
    ])
    expect(h.hs.devicesOf('alice').map((d) => d.deviceId)).not.toContain('LAPTOP')
    const progress = h.eventsOf('progress').filter((p) => p.operation === 'signOutInactive')
    expect(progress.at(-1)).toEqual({ operation: 'signOutInactive', done: 2, total: 2 })
  })

  it('answers the account that needs a password with that, and signs out the others', async () => {
    h = await startHarness()
    seedAlice(h)
    const alice = await h.addAlice()
    const { results } = await h.service.signOutInactive({ accounts: [{ accountId: alice.id, deviceIds: ['LAPTOP'] }] })
    expect(results[0]).toMatchObject({ accountId: alice.id, signedOut: [], error: { code: 'auth-required' } })
  })
})
