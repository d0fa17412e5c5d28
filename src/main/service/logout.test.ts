import { afterEach, describe, expect, it } from 'vitest'
import { failure } from '../../../test/service/expect'
import { startHarness, type Harness } from '../../../test/service/harness'
import { secretKey } from '../accounts'

let h: Harness
afterEach(async () => h?.close())

describe('logout', () => {
  it('ends the session on the server, then removes the secret and the account', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    const result = await h.service.logout({ accountId: alice.id })
    expect(result.outcome).toBe('logged-out')
    expect(result.message).toMatch(/^Signed @alice:localhost out of localhost/)
    expect(h.hs.devicesOf('alice').map((d) => d.deviceId)).not.toContain(alice.deviceId)
    expect(await h.secrets.get(secretKey(alice.userId, alice.deviceId))).toBeNull()
    expect((await h.service.listAccounts(undefined)).accounts).toHaveLength(0)
    expect(h.eventsOf('accountsChanged').at(-1)?.accounts).toHaveLength(0)
  })

  it('keeps the account as pending-logout when the server cannot be reached, and the next check finishes it', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    h.hs.setFault('logout', { kind: 'reset' })
    const result = await h.service.logout({ accountId: alice.id })
    expect(result.outcome).toBe('pending-logout')
    expect(result.message).toMatch(/pending logout.*next check/)
    const pending = (await h.service.listAccounts(undefined)).accounts[0]
    expect(pending).toMatchObject({ id: alice.id, status: 'pending-logout' })
    expect(await h.secrets.get(secretKey(alice.userId, alice.deviceId))).not.toBeNull()
    expect(h.hs.devicesOf('alice').map((d) => d.deviceId)).toContain(alice.deviceId)

    // Still down: the check keeps it pending and says so.
    const still = await h.service.checkAll(undefined)
    expect(still.accounts[0]).toMatchObject({ status: 'pending-logout' })

    h.hs.setFault('logout', null)
    const after = await h.service.checkAll(undefined)
    expect(after.accounts).toHaveLength(0)
    expect(h.hs.devicesOf('alice').map((d) => d.deviceId)).not.toContain(alice.deviceId)
    expect(await h.secrets.get(secretKey(alice.userId, alice.deviceId))).toBeNull()
  })

  it('removes an account whose session the server had already ended, and says so', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    h.hs.softLogout('alice', alice.deviceId)
    const result = await h.service.logout({ accountId: alice.id })
    expect(result).toMatchObject({ outcome: 'logged-out' })
    expect(result.message).toMatch(/had already ended/)
    expect((await h.service.listAccounts(undefined)).accounts).toHaveLength(0)
  })
})

describe('logoutAll', () => {
  it('ends every session of the user and removes the account', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    h.hs.addDevices('alice', 3)
    const result = await h.service.logoutAll({ accountId: alice.id })
    expect(result.outcome).toBe('logged-out')
    expect(h.hs.devicesOf('alice')).toHaveLength(0)
    expect((await h.service.listAccounts(undefined)).accounts).toHaveLength(0)
  })

  it('changes nothing and says nothing was signed out when the server is down', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    h.hs.setFault('logoutAll', { kind: 'status', status: 502 })
    const before = await h.state()
    const error = await failure(h.service.logoutAll({ accountId: alice.id }))
    expect(error.message).toMatch(/nothing was signed out\.$/)
    expect(await h.state()).toEqual(before)
  })

  it('points to the account page on MAS servers', async () => {
    h = await startHarness({ hs: { mas: true } })
    const alice = await h.addAlice()
    const error = await failure(h.service.logoutAll({ accountId: alice.id }))
    expect(error.code).toBe('unsupported')
  })
})
