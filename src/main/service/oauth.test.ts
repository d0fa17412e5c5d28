import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { failure } from '../../../test/service/expect'
import { PASSWORDS, startHarness, type Harness } from '../../../test/service/harness'
import { MemorySecretStore, secretKey, type StoredSecret } from '../accounts'
import { browse } from '../../../test/sso/browser'

// OAuth 2.0 accounts through the service, against the test homeserver's OAuth mode: added with
// "Continue with <server>", renewed by the refresh token grant, signed in again, and signed out
// by revocation.

let h: Harness
afterEach(async () => h?.close())

const ALICE = { username: 'alice', password: PASSWORDS.alice }

async function addWithOAuth(h: Harness, fields: { username: string; password: string } = ALICE) {
  const { requestId, url } = await h.service.beginOAuth({ server: h.hs.url })
  expect(await h.browser.next()).toBe(url)
  const completed = h.service.completeSso({ requestId })
  const page = await browse(url, { fields })
  return { account: await completed, page, url }
}

async function storedTokens(h: Harness, userId: string, deviceId: string) {
  const stored = await h.secrets.get(secretKey(userId, deviceId))
  if (!stored) throw new Error('no stored session')
  return stored
}

describe('OAuth 2.0 accounts', () => {
  it('adds an account through the server’s own page, recording the issuer and one client id, and no token in accounts.json', async () => {
    h = await startHarness({ hs: { oauth: true } })
    const { account, page } = await addWithOAuth(h)
    expect(account).toMatchObject({ userId: '@alice:localhost', status: 'active', authApi: 'oauth', signOutInBrowser: true })
    expect(page.text).toContain('@alice:localhost')
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test reads arbitrary fields of the file
    const file = JSON.parse(await readFile(path.join(h.dir, 'accounts.json'), 'utf8')) as Record<string, any>
    expect(file.accounts[0]).toMatchObject({ authApi: 'oauth', signInMethod: 'oauth', oauth: { issuer: h.hs.oauth!.issuer } })
    expect(file.accounts[0].accountManagement.url).toBe(`${h.hs.url}/account/`)
    expect(Object.keys(file.oauthClients)).toEqual([h.hs.oauth!.issuer])
    const tokens = await storedTokens(h, account.userId, account.deviceId)
    expect(tokens.refreshToken).toEqual(expect.any(String))
    const text = await readFile(path.join(h.dir, 'accounts.json'), 'utf8')
    expect(text).not.toContain(tokens.accessToken)
    expect(text).not.toContain(tokens.refreshToken!)
    // A second account on the same server reuses the registration.
    await addWithOAuth(h, { username: 'bob', password: PASSWORDS.bob })
    expect(h.hs.oauth!.registrations).toHaveLength(1)
  })

  it('says so when a server offers no OAuth sign-in', async () => {
    h = await startHarness()
    const error = await failure(h.service.beginOAuth({ server: h.hs.url }))
    expect(error.code).toBe('unsupported')
    expect(h.browser.opened).toEqual([])
  })

  it('renews a short-lived token by the refresh token grant, writing the rotated pair before using it', async () => {
    h = await startHarness({ hs: { oauth: { accessTokenTtlSeconds: 1 } } })
    const { account } = await addWithOAuth(h)
    const before = await storedTokens(h, account.userId, account.deviceId)
    await new Promise((resolve) => setTimeout(resolve, 1200))
    const devices = await h.service.listDevices({ accountId: account.id })
    expect(devices.map((d) => d.deviceId)).toContain(account.deviceId)
    const after = await storedTokens(h, account.userId, account.deviceId)
    expect(after.refreshToken).toEqual(expect.any(String))
    expect(after.refreshToken).not.toBe(before.refreshToken)
    expect(after.accessToken).not.toBe(before.accessToken)
    // Never through the legacy API: the homeserver's /refresh saw no OAuth refresh token.
    expect(h.hs.requests.some((r) => r.endpoint === 'refresh')).toBe(false)
  })

  it('makes the account "needs sign-in" when the refresh is refused, and signing in again keeps the device id', async () => {
    h = await startHarness({ hs: { oauth: { accessTokenTtlSeconds: 1 } } })
    const { account } = await addWithOAuth(h)
    // The session is ended at the issuer (as the account page would), then the token expires.
    await h.hs.oauth!.endDevice('alice', account.deviceId)
    await new Promise((resolve) => setTimeout(resolve, 1200))
    const snapshot = await h.service.checkAll(undefined)
    expect(snapshot.accounts[0]).toMatchObject({ id: account.id, status: 'soft-logged-out' })
    const { requestId, url } = await h.service.beginOAuth({ server: h.hs.url, accountId: account.id })
    expect(new URL(url).searchParams.get('login_hint')).toBe('@alice:localhost')
    const completed = h.service.completeSso({ requestId })
    await browse(url, { fields: ALICE })
    expect(await completed).toMatchObject({ id: account.id, deviceId: account.deviceId, status: 'active' })
  })

  it('never sends a refresh token twice: when the rotated pair cannot be written, the account needs signing in again', async () => {
    // A keychain that takes the "spent" mark but fails (as a crash would) on the rotated pair.
    class CrashingStore extends MemorySecretStore {
      failNextRotation = false
      sentRefreshTokens: string[] = []
      override async set(key: string, secret: StoredSecret): Promise<void> {
        if (this.failNextRotation && secret.refreshToken !== undefined) {
          this.failNextRotation = false
          throw new Error('keychain went away')
        }
        return super.set(key, secret)
      }
    }
    const store = new CrashingStore()
    h = await startHarness({ hs: { oauth: { accessTokenTtlSeconds: 1 } }, service: { secrets: store } })
    const { account } = await addWithOAuth(h)
    const original = (await storedTokens(h, account.userId, account.deviceId)).refreshToken
    store.failNextRotation = true
    await failure(h.service.listDevices({ accountId: account.id }))
    // The spent refresh token is gone from the keychain, so nothing can send it again.
    const left = await storedTokens(h, account.userId, account.deviceId)
    expect(left.refreshToken).toBeUndefined()
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const snapshot = await h.service.checkAll(undefined)
    expect(snapshot.accounts[0]).toMatchObject({ id: account.id, deviceId: account.deviceId, status: 'soft-logged-out' })
    // A careful server revokes the whole session on a replay: it is still alive, so none happened.
    expect(h.hs.oauth!.liveRefreshTokens()).toBeGreaterThan(0)
    expect(original).toEqual(expect.any(String))
  })

  it('refuses a password re-login of an OAuth account, pointing at its server’s page', async () => {
    h = await startHarness({ hs: { oauth: true } })
    const { account } = await addWithOAuth(h)
    const error = await failure(h.service.reLogin({ accountId: account.id, password: PASSWORDS.alice }))
    expect(error.code).toBe('unsupported')
    expect(error.message).toMatch(/own sign-in page/)
    expect(h.hs.requests.some((r) => r.endpoint === 'login')).toBe(false)
  })

  it('signs out by revoking both tokens at the issuer: the old token then answers 401', async () => {
    h = await startHarness({ hs: { oauth: true } })
    const { account } = await addWithOAuth(h)
    const tokens = await storedTokens(h, account.userId, account.deviceId)
    const result = await h.service.logout({ accountId: account.id })
    expect(result.outcome).toBe('logged-out')
    const whoami = await fetch(`${h.hs.url}/_matrix/client/v3/account/whoami`, { headers: { Authorization: `Bearer ${tokens.accessToken}` } })
    expect(whoami.status).toBe(401)
    expect(h.hs.oauth!.liveRefreshTokens()).toBe(0)
    expect(h.hs.requests.some((r) => r.endpoint === 'logout')).toBe(false)
    expect(await h.secrets.get(secretKey(account.userId, account.deviceId))).toBeNull()
  })

  it('signs another device out through its device_delete page on the account page: the device is gone when the person comes back', async () => {
    h = await startHarness({ hs: { oauth: true } })
    const { account } = await addWithOAuth(h)
    h.hs.addDevices('alice', 1)
    const other = h.hs.devicesOf('alice').find((d) => d.deviceId !== account.deviceId)!.deviceId
    const result = await h.service.signOutDevices({ accountId: account.id, deviceIds: [other] })
    expect(result.signedOut).toEqual([])
    expect(result.openedInBrowser).toBe(`${h.hs.url}/account/?action=org.matrix.device_delete&device_id=${other}`)
    expect(h.browser.opened.at(-1)).toBe(result.openedInBrowser)
    const page = await browse(result.openedInBrowser!, { fields: ALICE })
    expect(page.text).toContain(`The device ${other} is signed out`)
    const devices = await h.service.listDevices({ accountId: account.id })
    expect(devices.map((d) => d.deviceId)).not.toContain(other)
  })

  it('keeps the account as a pending logout when the issuer cannot take the revocation now, and finishes it at the next check', async () => {
    h = await startHarness({ hs: { oauth: true } })
    const { account } = await addWithOAuth(h)
    const tokens = await storedTokens(h, account.userId, account.deviceId)
    h.hs.oauth!.setDown(true)
    const result = await h.service.logout({ accountId: account.id })
    expect(result.outcome).toBe('pending-logout')
    expect((await h.service.listAccounts(undefined)).accounts[0]).toMatchObject({ id: account.id, status: 'pending-logout' })
    expect(await h.secrets.get(secretKey(account.userId, account.deviceId))).not.toBeNull()
    h.hs.oauth!.setDown(false)
    await h.service.checkAll(undefined)
    expect((await h.service.listAccounts(undefined)).accounts).toEqual([])
    const whoami = await fetch(`${h.hs.url}/_matrix/client/v3/account/whoami`, { headers: { Authorization: `Bearer ${tokens.accessToken}` } })
    expect(whoami.status).toBe(401)
  })

  it('opens the account page for "sign out everywhere", and says why', async () => {
    h = await startHarness({ hs: { oauth: true } })
    const { account } = await addWithOAuth(h)
    const error = await failure(h.service.logoutAll({ accountId: account.id }))
    expect(error.code).toBe('unsupported')
    expect(error.message).toMatch(/account page, which Latchkey opened in your browser/)
    expect(h.browser.opened.at(-1)).toBe(`${h.hs.url}/account/?action=org.matrix.devices_list`)
  })
})

describe('OAuth 2.0 sign-in with a code (no browser here)', () => {
  it('answers the code to show, then adds the account once the person confirms it elsewhere', async () => {
    h = await startHarness({ hs: { oauth: { deviceIntervalSeconds: 1 } } })
    const started = await h.service.beginDeviceCode({ server: h.hs.url })
    expect(started).toMatchObject({ userCode: expect.any(String), verificationUri: expect.any(String), verificationUriComplete: expect.any(String) })
    const completed = h.service.completeSso({ requestId: started.requestId })
    await browse(started.verificationUriComplete!, { forms: 3, fields: ALICE })
    expect(await completed).toMatchObject({ userId: '@alice:localhost', authApi: 'oauth', status: 'active' })
  })

  it('stops polling when cancelled', async () => {
    h = await startHarness({ hs: { oauth: { deviceIntervalSeconds: 1 } } })
    const started = await h.service.beginDeviceCode({ server: h.hs.url })
    const completed = failure(h.service.completeSso({ requestId: started.requestId }))
    await h.service.cancelSso({ requestId: started.requestId })
    expect((await completed).code).toBe('cancelled')
  })

  it('says that a server without SSO has none, instead of opening a dead address', async () => {
    h = await startHarness({ hs: { oauth: { profile: 'well-known' } } })
    const error = await failure(h.service.beginSso({ server: h.hs.url }))
    expect(error.code).toBe('unsupported')
    expect(error.message).toMatch(/does not offer single sign-on/)
    expect(h.browser.opened).toEqual([])
  })
})
