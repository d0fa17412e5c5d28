import { afterEach, describe, expect, it } from 'vitest'
import { startHarness, type Harness } from '../../../test/service/harness'
import { KeytarSecretStore, MemorySecretStore, secretKey, type StoredSecret } from '../accounts'
import { FakeKeytar } from '../../../test/accounts/fake-keytar'
import { createSessionService } from './index'

let h: Harness
afterEach(async () => h?.close())

describe('checkAll', () => {
  it("asks every account's server for its device list (which proves the session) and records each status with a sentence", async () => {
    h = await startHarness()
    const active = await h.addAlice()
    const soft = await h.addAlice()
    const bob = await h.service.addWithLoginToken({ payload: h.hs.mintLoginToken('bob'), server: h.hs.url })
    h.hs.softLogout('alice', soft.deviceId)
    // A session the server has ended for good: its device deleted by another session.
    const gone = await h.addAlice()
    h.hs.lockUser('bob')
    await deleteDeviceBehindLatchkeysBack(h, gone.deviceId)

    const snapshot = await h.service.checkAll(undefined)
    const status = (id: string) => snapshot.accounts.find((a) => a.id === id)
    expect(status(active.id)).toMatchObject({ status: 'active' })
    expect(status(active.id)?.statusMessage).toBeUndefined()
    expect(status(soft.id)).toMatchObject({ status: 'soft-logged-out' })
    expect(status(gone.id)).toMatchObject({ status: 'logged-out' })
    expect(status(bob.id)).toMatchObject({ status: 'locked' })
    for (const id of [soft.id, gone.id, bob.id]) expect(status(id)?.statusMessage).toMatch(/\.$/)
    expect(status(active.id)?.lastCheckedAt).toBeTruthy()
  })

  it('marks accounts unreachable when the server does not answer, and active again once it does', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    h.hs.setFault('devices', { kind: 'status', status: 502 })
    const down = await h.service.checkAll(undefined)
    expect(down.accounts[0]).toMatchObject({ id: alice.id, status: 'unreachable' })
    expect(down.accounts[0]?.statusMessage).toMatch(/502|Bad Gateway|localhost|127\.0\.0\.1/)
    h.hs.setFault('devices', null)
    expect((await h.service.checkAll(undefined)).accounts[0]).toMatchObject({ status: 'active' })
  })

  it('emits progress from 0 to the number of accounts, and one accountsChanged', async () => {
    h = await startHarness()
    for (let i = 0; i < 5; i++) await h.addAlice()
    const before = h.eventsOf('accountsChanged').length
    await h.service.checkAll(undefined)
    const progress = h.eventsOf('progress').filter((p) => p.operation === 'checkAll')
    expect(progress[0]).toEqual({ operation: 'checkAll', done: 0, total: 5 })
    expect(progress.at(-1)).toEqual({ operation: 'checkAll', done: 5, total: 5 })
    expect(h.eventsOf('accountsChanged').length - before).toBe(1)
  })

  it('calls an account without a saved session soft-logged-out, saying why', async () => {
    // A keychain that answers without an entry (with no keychain at all, see keychain-unread.test.ts).
    h = await startHarness({ service: { secrets: new KeytarSecretStore(new FakeKeytar(), { service: 'latchkey-test' }) } })
    const alice = await h.addAlice()
    await h.secrets.delete(secretKey(alice.userId, alice.deviceId))
    // Secrets are read once per process: the next process (the app's next start, the next
    // command) finds the entry gone.
    const next = await createSessionService({ dataDir: h.dir, secrets: h.secrets, watchAccounts: false })
    try {
      const snapshot = await next.checkAll(undefined)
      expect(snapshot.accounts[0]).toMatchObject({ status: 'soft-logged-out' })
      expect(snapshot.accounts[0]?.statusMessage).toMatch(/no saved session/)
    } finally {
      await next.close()
    }
  })
})

describe('token refresh', () => {
  it('saves the rotated tokens to the secret store, and they keep working in a new process', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    const key = secretKey(alice.userId, alice.deviceId)
    const before = await h.secrets.get(key)
    h.hs.expireAccessTokens('alice')
    expect((await h.service.checkAll(undefined)).accounts[0]?.status).toBe('active')
    const after = await h.secrets.get(key)
    const refresh = h.hs.requests.find((r) => r.endpoint === 'refresh' && r.status === 200)
    const answer = refresh?.responseBody as { access_token: string; refresh_token: string }
    expect(after?.accessToken).toBe(answer.access_token)
    expect(after?.refreshToken).toBe(answer.refresh_token)
    expect(after?.accessToken).not.toBe(before?.accessToken)

    const second = await startHarness({ dir: h.dir, service: { secrets: h.secrets } })
    try {
      // A second service on the same data folder and keychain (its own test homeserver is unused).
      expect((await second.service.listDevices({ accountId: alice.id })).some((d) => d.current)).toBe(true)
    } finally {
      await second.close()
    }
  })

  it('does not use rotated tokens it could not save', async () => {
    const secrets = new FlakyStore()
    h = await startHarness({ service: { secrets } })
    const alice = await h.addAlice()
    secrets.failSets = true
    h.hs.expireAccessTokens('alice')
    const snapshot = await h.service.checkAll(undefined)
    expect(snapshot.accounts[0]?.id).toBe(alice.id)
    const refresh = h.hs.requests.find((r) => r.endpoint === 'refresh' && r.status === 200)
    const rotated = (refresh?.responseBody as { access_token: string }).access_token
    expect(h.hs.requests.some((r) => r.headers['authorization'] === `Bearer ${rotated}`)).toBe(false)
  })
})

class FlakyStore extends MemorySecretStore {
  failSets = false
  override async set(key: string, secret: StoredSecret): Promise<void> {
    if (this.failSets) throw new Error('keychain locked')
    return super.set(key, secret)
  }
}

/** Another client of the same person signs this device out (the server deletes it). */
async function deleteDeviceBehindLatchkeysBack(h: Harness, deviceId: string): Promise<void> {
  const other = await h.addAlice()
  await h.service.signOutDevices({ accountId: other.id, deviceIds: [deviceId], auth: { type: 'password', password: 'alice-correct-horse' } })
  await h.service.forget({ accountId: other.id })
}
