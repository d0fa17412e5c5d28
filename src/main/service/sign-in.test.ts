import { afterEach, describe, expect, it } from 'vitest'
import { failure } from '../../../test/service/expect'
import { PASSWORDS, startHarness, type Harness } from '../../../test/service/harness'
import { secretKey } from '../accounts'

let h: Harness
afterEach(async () => h?.close())

describe('discover', () => {
  it('reports what the server offers', async () => {
    h = await startHarness({ hs: { flows: { sso: true, identityProviders: [{ id: 'oidc', name: 'Example ID' }] } } })
    const found = await h.service.discover({ server: h.hs.url })
    expect(found).toMatchObject({ baseUrl: h.hs.url, password: true, sso: true, getLoginToken: true })
    expect(found.identityProviders).toEqual([{ id: 'oidc', name: 'Example ID' }])
  })

  it('says in a sentence that a server cannot be reached', async () => {
    h = await startHarness()
    const url = h.hs.url
    await h.hs.close()
    const error = await failure(h.service.discover({ server: url }))
    expect(error.code).toBe('unreachable')
    expect(error.message).toMatch(/127\.0\.0\.1/)
  })
})

describe('addWithPassword', () => {
  it('adds the account, keeps its tokens in the secret store and nothing secret in accounts.json', async () => {
    h = await startHarness()
    const account = await h.addAlice()
    expect(account).toMatchObject({
      userId: '@alice:localhost',
      homeserverUrl: h.hs.url,
      serverName: 'localhost',
      displayName: 'Alice Liddell',
      status: 'active',
      authApi: 'legacy',
    })
    const stored = await h.secrets.get(secretKey(account.userId, account.deviceId))
    expect(stored?.accessToken).toBeTruthy()
    expect(stored?.refreshToken).toBeTruthy()
    const { file } = await h.state()
    expect(file).not.toContain(stored!.accessToken)
    expect(h.hs.devicesOf('alice').map((d) => d.deviceId)).toContain(account.deviceId)
  })

  it('asks the server for a refresh token and names the device', async () => {
    h = await startHarness()
    await h.addAlice()
    const login = h.hs.requests.find((r) => r.endpoint === 'login' && r.status === 200)
    expect(login?.body).toMatchObject({ refresh_token: true, initial_device_display_name: 'Latchkey test' })
  })

  it('makes the first account the active one and emits accountsChanged', async () => {
    h = await startHarness()
    const account = await h.addAlice()
    const snapshots = h.eventsOf('accountsChanged')
    expect(snapshots.at(-1)).toMatchObject({ activeId: account.id, storage: 'memory' })
    expect(snapshots.at(-1)?.accounts.map((a) => a.id)).toEqual([account.id])
  })

  it('signs in by e-mail address', async () => {
    h = await startHarness()
    const account = await h.service.addWithPassword({
      server: h.hs.url,
      identifier: { kind: 'email', address: 'alice@example.org' },
      password: PASSWORDS.alice,
    })
    expect(account.userId).toBe('@alice:localhost')
  })

  it('allows the same user twice, as two devices', async () => {
    h = await startHarness()
    const first = await h.addAlice()
    const second = await h.addAlice()
    expect(second.deviceId).not.toBe(first.deviceId)
    expect((await h.service.listAccounts(undefined)).accounts).toHaveLength(2)
  })

  it('says the server refused the password, and changes nothing', async () => {
    h = await startHarness()
    const before = await h.state()
    const error = await failure(
      h.service.addWithPassword({ server: h.hs.url, identifier: { kind: 'user', user: 'alice' }, password: 'wrong' }),
    )
    expect(error.code).toBe('wrong-credentials')
    expect(error.message).toBe(`${new URL(h.hs.url).host} refused the user name or password.`)
    expect(await h.state()).toEqual(before)
    expect(h.eventsOf('accountsChanged')).toHaveLength(0)
  })

  it('says a server without password sign-in does not offer it', async () => {
    h = await startHarness({ hs: { flows: { password: false, sso: true } } })
    const error = await failure(h.addAlice())
    expect(error.code).toBe('unsupported')
    expect(error.message).toMatch(/does not offer sign-in with a password; use single sign-on/)
  })

  it('reports the wait when the server rate-limits the sign-in for longer than Latchkey waits', async () => {
    h = await startHarness()
    h.hs.rateLimit('login', 1, 30_000)
    const error = await failure(h.addAlice())
    expect(error.code).toBe('rate-limited')
    expect(error.retryAfterMs).toBe(30_000)
  })
})

describe('addWithLoginToken', () => {
  it('accepts the latchkey://login payload that generateLoginToken makes', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    const made = await h.service.generateLoginToken({ accountId: alice.id, auth: { type: 'password', password: PASSWORDS.alice } })
    const added = await h.service.addWithLoginToken({ payload: made.payload })
    expect(added.userId).toBe('@alice:localhost')
    expect(added.deviceId).not.toBe(alice.deviceId)
  })

  it('accepts a bare token with the server', async () => {
    h = await startHarness()
    const token = h.hs.mintLoginToken('bob')
    const added = await h.service.addWithLoginToken({ payload: token, server: h.hs.url })
    expect(added).toMatchObject({ userId: '@bob:localhost', avatarUrl: 'mxc://localhost/bobavatar' })
  })

  it('refuses a spent token in a sentence, and changes nothing', async () => {
    h = await startHarness()
    const token = h.hs.mintLoginToken('bob')
    await h.service.addWithLoginToken({ payload: token, server: h.hs.url })
    const before = await h.state()
    const error = await failure(h.service.addWithLoginToken({ payload: token, server: h.hs.url }))
    expect(error.code).toBe('wrong-credentials')
    expect(error.message).toMatch(/used already or have expired/)
    expect(error.message).not.toContain(token)
    expect(await h.state()).toEqual(before)
  })
})

describe('reLogin', () => {
  it('signs a soft-logged-out account in again on the same device', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    h.hs.softLogout('alice', alice.deviceId)
    const checked = await h.service.checkAll(undefined)
    expect(checked.accounts[0]?.status).toBe('soft-logged-out')
    const again = await h.service.reLogin({ accountId: alice.id, password: PASSWORDS.alice })
    expect(again).toMatchObject({ id: alice.id, deviceId: alice.deviceId, status: 'active' })
    const relogin = h.hs.requests.filter((r) => r.endpoint === 'login' && r.status === 200).at(-1)
    expect(relogin?.body).toMatchObject({ device_id: alice.deviceId })
    expect((await h.service.checkAll(undefined)).accounts[0]?.status).toBe('active')
  })

  it('keeps the old session and status when the password is wrong', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    h.hs.softLogout('alice', alice.deviceId)
    await h.service.checkAll(undefined)
    const before = await h.state()
    const error = await failure(h.service.reLogin({ accountId: alice.id, password: 'nope' }))
    expect(error.code).toBe('wrong-credentials')
    expect(await h.state()).toEqual(before)
  })

  it('says an unknown account is not found', async () => {
    h = await startHarness()
    const error = await failure(h.service.reLogin({ accountId: 'acc_0000000000000000', password: 'x' }))
    expect(error.code).toBe('not-found')
  })
})
