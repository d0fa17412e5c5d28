import { afterEach, describe, expect, it } from 'vitest'
import { failure } from '../../../test/service/expect'
import { startHarness, type Harness } from '../../../test/service/harness'
import { secretKey } from '../accounts'

let h: Harness
afterEach(async () => h?.close())

describe('the account list', () => {
  it('switches the active account and says so in an event', async () => {
    h = await startHarness()
    const a = await h.addAlice()
    const b = await h.addAlice()
    const snapshot = await h.service.setActive({ accountId: b.id })
    expect(snapshot.activeId).toBe(b.id)
    expect(h.eventsOf('accountsChanged').at(-1)?.activeId).toBe(b.id)
    expect((await h.service.listAccounts(undefined)).activeId).toBe(b.id)
    expect(a.id).not.toBe(b.id)
  })

  it('answers one frozen list while accounts.json is unchanged, and a new one after a change', async () => {
    h = await startHarness()
    const a = await h.addAlice()
    const first = await h.service.listAccounts(undefined)
    expect(Object.isFrozen(first) && Object.isFrozen(first.accounts[0])).toBe(true)
    expect(await h.service.listAccounts(undefined)).toBe(first)
    await h.service.relabel({ accountId: a.id, label: 'Work' })
    const after = await h.service.listAccounts(undefined)
    expect(after).not.toBe(first)
    expect(after.accounts[0]?.label).toBe('Work')
    expect(first.accounts[0]?.label).toBeUndefined()
  })

  it('reorders accounts', async () => {
    h = await startHarness()
    const a = await h.addAlice()
    const b = await h.addAlice()
    const c = await h.addAlice()
    const snapshot = await h.service.reorder({ accountIds: [c.id, a.id, b.id] })
    expect(snapshot.accounts.map((x) => x.id)).toEqual([c.id, a.id, b.id])
    expect(snapshot.accounts.map((x) => x.order)).toEqual([0, 1, 2])
  })

  it('labels and colours an account; an empty label removes it; a missing field stays', async () => {
    h = await startHarness()
    const a = await h.addAlice()
    expect(await h.service.relabel({ accountId: a.id, label: 'Work', color: '#3366FF' })).toMatchObject({ label: 'Work', color: '#3366ff' })
    expect(await h.service.relabel({ accountId: a.id, color: '#000000' })).toMatchObject({ label: 'Work', color: '#000000' })
    const cleared = await h.service.relabel({ accountId: a.id, label: '  ' })
    expect(cleared.label).toBeUndefined()
  })

  it('refuses to switch to an account that does not exist, and changes nothing', async () => {
    h = await startHarness()
    await h.addAlice()
    const before = await h.state()
    const events = h.events.length
    const error = await failure(h.service.setActive({ accountId: 'acc_ffffffffffffffff' }))
    expect(error.code).toBe('not-found')
    expect(await h.state()).toEqual(before)
    expect(h.events).toHaveLength(events)
  })

  it('forgets an account without revoking its session on the server', async () => {
    h = await startHarness()
    const a = await h.addAlice()
    const key = secretKey(a.userId, a.deviceId)
    const snapshot = await h.service.forget({ accountId: a.id })
    expect(snapshot.accounts).toHaveLength(0)
    expect(await h.secrets.get(key)).toBeNull()
    expect(h.hs.devicesOf('alice').map((d) => d.deviceId)).toContain(a.deviceId)
    expect(h.hs.requests.some((r) => r.endpoint === 'logout')).toBe(false)
  })

  it('reports the storage kind and the keychain notice in every snapshot', async () => {
    h = await startHarness()
    const snapshot = await h.service.listAccounts(undefined)
    expect(snapshot).toEqual({ accounts: [], activeId: null, storage: 'memory' })
  })
})

describe('avatar', () => {
  it('answers a data: URL of the thumbnail, fetched with the account token, then from memory', async () => {
    h = await startHarness()
    const token = h.hs.mintLoginToken('bob')
    const bob = await h.service.addWithLoginToken({ payload: token, server: h.hs.url })
    const first = await h.service.avatar({ accountId: bob.id })
    expect(first).toMatch(/^data:image\/png;base64,/)
    const second = await h.service.avatar({ accountId: bob.id })
    expect(second).toBe(first)
    const thumbnails = h.hs.requests.filter((r) => r.endpoint === 'thumbnail')
    expect(thumbnails).toHaveLength(1)
    expect(thumbnails[0]?.headers['authorization']).toMatch(/^Bearer /)
  })

  it('answers null for an account without a picture', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    expect(await h.service.avatar({ accountId: alice.id })).toBeNull()
  })
})
