/**
 * issue 9 §3: a logout is never dropped while its token may still work. One "process" signs in
 * with the keychain; another on the same data folder finds no keychain (memory store) and must
 * not drop what it cannot see. A keychain that answers without an entry keeps today's behaviour.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { failure } from '../../../test/service/expect'
import { PASSWORDS, startHarness, type Harness } from '../../../test/service/harness'
import { KeytarSecretStore, secretKey } from '../accounts'
import { FakeKeytar } from '../../../test/accounts/fake-keytar'

const open: Harness[] = []
afterEach(async () => {
  // The later ones share the first one's data folder, which the first one removes.
  for (const h of open.splice(0).reverse()) await h.close()
})

async function withKeychain(keytar = new FakeKeytar(), dir?: string): Promise<Harness> {
  const h = await startHarness({ service: { secrets: new KeytarSecretStore(keytar, { service: 'latchkey-test' }) }, ...(dir ? { dir } : {}) })
  open.push(h)
  return h
}

/** A later process with the same keychain, after the entries of `gone` were deleted from it. */
async function keychainWithout(first: Harness, keytar: FakeKeytar, gone: Array<{ userId: string; deviceId: string }>): Promise<Harness> {
  for (const a of gone) await first.secrets.delete(secretKey(a.userId, a.deviceId))
  return withKeychain(keytar, first.dir)
}

/** A second process on the same data folder whose keychain did not answer. */
async function withoutKeychain(first: Harness): Promise<Harness> {
  const h = await startHarness({ dir: first.dir })
  open.push(h)
  return h
}

/** Alice active, Bob pending logout (the server was down when he was signed out). */
async function aliceAndPendingBob(first: Harness) {
  const alice = await first.addAlice()
  const bob = await first.service.addWithPassword({ server: first.hs.url, identifier: { kind: 'user', user: 'bob' }, password: PASSWORDS.bob })
  first.hs.setFault('logout', { kind: 'reset' })
  expect((await first.service.logout({ accountId: bob.id })).outcome).toBe('pending-logout')
  first.hs.setFault('logout', null)
  return { alice, bob }
}

describe('while no keychain answers (sessions in memory only)', () => {
  it('logout keeps an account whose token it cannot find, says the keychain could not be read, and answers a storage error', async () => {
    const first = await withKeychain()
    const { alice, bob } = await aliceAndPendingBob(first)
    const second = await withoutKeychain(first)
    const before = (await second.state()).file

    const active = await failure(second.service.logout({ accountId: alice.id }))
    expect(active.code).toBe('storage')
    expect(active.message).toMatch(/keychain could not be read/)
    expect(active.message).toMatch(/kept as it was/)
    const pending = await failure(second.service.logout({ accountId: bob.id }))
    expect(pending.code).toBe('storage')
    expect(pending.message).toMatch(/kept as pending logout/)

    expect((await second.state()).file).toBe(before)
    expect(first.hs.devicesOf('alice').map((d) => d.deviceId)).toContain(alice.deviceId)
    // Where the keychain answers again, the pending logout is finished.
    expect((await first.service.checkAll(undefined)).accounts.map((a) => a.id)).toEqual([alice.id])
  })

  it('logoutAll keeps the account too', async () => {
    const first = await withKeychain()
    const { alice } = await aliceAndPendingBob(first)
    const second = await withoutKeychain(first)
    expect((await failure(second.service.logoutAll({ accountId: alice.id }))).code).toBe('storage')
    expect((await second.service.listAccounts(undefined)).accounts.map((a) => a.id)).toContain(alice.id)
  })

  it('check keeps every account it cannot find the token of with its status, lists them, and says why', async () => {
    const first = await withKeychain()
    const { alice, bob } = await aliceAndPendingBob(first)
    const second = await withoutKeychain(first)
    const before = (await second.state()).file

    const result = await second.service.checkAll(undefined)
    expect(result.keychainUnread).toEqual([alice.id, bob.id])
    expect(result.accounts.map((a) => [a.id, a.status])).toEqual([
      [alice.id, 'active'],
      [bob.id, 'pending-logout'],
    ])
    expect((await second.state()).file).toBe(before)
    expect(second.eventsOf('notice').at(-1)?.message).toMatch(/keychain could not be read.*@alice:localhost, @bob:localhost.*pending logout stays pending/)
  })
})

describe('when the keychain answers and holds no entry', () => {
  it('logout removes the account and says there was nothing left to sign out', async () => {
    const keytar = new FakeKeytar()
    const first = await withKeychain(keytar)
    const alice = await first.addAlice()
    const later = await keychainWithout(first, keytar, [alice])
    const result = await later.service.logout({ accountId: alice.id })
    expect(result).toMatchObject({ outcome: 'logged-out' })
    expect(result.message).toMatch(/no saved session in the keychain.*removed the account/)
    expect((await later.service.listAccounts(undefined)).accounts).toHaveLength(0)
  })

  it('check removes a pending logout and says so, and calls an active account signed out', async () => {
    const keytar = new FakeKeytar()
    const first = await withKeychain(keytar)
    const { alice, bob } = await aliceAndPendingBob(first)
    const later = await keychainWithout(first, keytar, [alice, bob])
    const result = await later.service.checkAll(undefined)
    expect(result.keychainUnread).toBeUndefined()
    expect(result.accounts.map((a) => [a.id, a.status])).toEqual([[alice.id, 'soft-logged-out']])
    expect(later.eventsOf('notice').map((n) => n.message)).toContainEqual(expect.stringMatching(/@bob:localhost had no saved session in the keychain/))
  })
})
