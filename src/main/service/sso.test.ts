import { afterEach, describe, expect, it } from 'vitest'
import { failure } from '../../../test/service/expect'
import { MemorySecretStore, SecretStoreError } from '../accounts'
import { startHarness, type Harness } from '../../../test/service/harness'

let h: Harness
afterEach(async () => h?.close())

const IDPS = { flows: { sso: true, identityProviders: [{ id: 'oidc', name: 'Example ID' }] } }

describe('SSO sign-in', () => {
  it('opens the server\'s SSO page in the browser, receives the login token on 127.0.0.1, and adds the account', async () => {
    h = await startHarness({ hs: IDPS })
    const { requestId, url } = await h.service.beginSso({ server: h.hs.url, idpId: 'oidc' })
    expect(await h.browser.next()).toBe(url)
    expect(url).toMatch(new RegExp(`^${h.hs.url}/_matrix/client/v3/login/sso/redirect/oidc\\?redirectUrl=http%3A%2F%2F127\\.0\\.0\\.1%3A`))
    const completed = h.service.completeSso({ requestId })
    const page = await h.browser.signInWithSso(url, '@carol:localhost')
    const account = await completed
    expect(account).toMatchObject({ userId: '@carol:localhost', status: 'active' })
    expect(await page.text()).toContain('Signed in to Latchkey as @carol:localhost')
    expect(h.eventsOf('accountsChanged').at(-1)?.accounts.map((a) => a.id)).toContain(account.id)
  })

  it('signs a soft-logged-out account in again through SSO, keeping its device id', async () => {
    h = await startHarness({ hs: IDPS })
    const carol = await h.service.addWithLoginToken({ payload: h.hs.mintLoginToken('carol'), server: h.hs.url })
    h.hs.softLogout('carol', carol.deviceId)
    await h.service.checkAll(undefined)
    const { requestId, url } = await h.service.beginSso({ server: h.hs.url, accountId: carol.id })
    const completed = h.service.completeSso({ requestId })
    await h.browser.signInWithSso(url, '@carol:localhost')
    expect(await completed).toMatchObject({ id: carol.id, deviceId: carol.deviceId, status: 'active' })
    const login = h.hs.requests.filter((r) => r.endpoint === 'login' && r.status === 200).at(-1)
    expect(login?.body).toMatchObject({ type: 'm.login.token', device_id: carol.deviceId })
    expect((await h.service.listAccounts(undefined)).accounts).toHaveLength(1)
  })

  it('refuses a re-login as somebody else and keeps the account as it was', async () => {
    h = await startHarness({ hs: IDPS })
    const carol = await h.service.addWithLoginToken({ payload: h.hs.mintLoginToken('carol'), server: h.hs.url })
    const before = await h.state()
    const { requestId, url } = await h.service.beginSso({ server: h.hs.url, accountId: carol.id })
    const completed = failure(h.service.completeSso({ requestId }))
    const page = await h.browser.signInWithSso(url, '@bob:localhost')
    const error = await completed
    expect(error.code).toBe('wrong-credentials')
    expect(error.message).toMatch(/signed in as @bob:localhost, but this account is @carol:localhost/)
    expect(await h.state()).toEqual(before)
    // The browser is told the same, and the session made for the wrong person is ended.
    expect(await page.text()).toMatch(/signed in as @bob:localhost, but this account is @carol:localhost/)
    expect(h.hs.devicesOf('bob')).toEqual([])
  })

  it('keeps the account as soon as the browser comes back, and completeSso answers it however late', async () => {
    h = await startHarness({ hs: IDPS })
    const { requestId, url } = await h.service.beginSso({ server: h.hs.url })
    const page = await h.browser.signInWithSso(url, '@carol:localhost')
    expect(await page.text()).toContain('Signed in to Latchkey as @carol:localhost')
    expect((await h.service.listAccounts(undefined)).accounts.map((a) => a.userId)).toEqual(['@carol:localhost'])
    expect(await h.service.completeSso({ requestId })).toMatchObject({ userId: '@carol:localhost', status: 'active' })
    expect((await failure(h.service.completeSso({ requestId }))).code).toBe('not-found')
  })

  it('says in the browser, too, when the account cannot be kept', async () => {
    const secrets = new MemorySecretStore()
    secrets.set = async () => {
      throw new SecretStoreError('keychain-failed', 'The keychain is locked.')
    }
    h = await startHarness({ hs: IDPS, service: { secrets } })
    const { requestId, url } = await h.service.beginSso({ server: h.hs.url })
    const completed = failure(h.service.completeSso({ requestId }))
    const page = await h.browser.signInWithSso(url, '@carol:localhost')
    const error = await completed
    expect(error).toMatchObject({ code: 'storage', message: 'The keychain is locked.' })
    const text = await page.text()
    expect(text).toContain('The keychain is locked.')
    expect(text).not.toContain('Signed in to Latchkey')
    expect(h.hs.devicesOf('carol')).toEqual([])
    expect((await h.service.listAccounts(undefined)).accounts).toHaveLength(0)
  })

  it('ends with "cancelled" when the person cancels in Latchkey, and the listener closes', async () => {
    h = await startHarness({ hs: IDPS })
    const { requestId, url } = await h.service.beginSso({ server: h.hs.url })
    const completed = failure(h.service.completeSso({ requestId }))
    await h.service.cancelSso({ requestId })
    expect((await completed).code).toBe('cancelled')
    const redirect = new URL(new URL(url).searchParams.get('redirectUrl') ?? '')
    await expect(fetch(redirect)).rejects.toThrow()
    expect((await h.service.listAccounts(undefined)).accounts).toHaveLength(0)
  })

  it('keeps waiting when the browser comes back without a token, and times out with a sentence', async () => {
    h = await startHarness({ hs: IDPS, service: { tuning: { ssoTimeoutMs: 400 } } })
    const { requestId, url } = await h.service.beginSso({ server: h.hs.url })
    const completed = failure(h.service.completeSso({ requestId }))
    await h.browser.signInWithSso(url, '@carol:localhost', 'cancel')
    const error = await completed
    expect(error.code).toBe('cancelled')
    expect(error.message).toMatch(/did not come back to Latchkey within 400 milliseconds/)
    expect((await h.service.listAccounts(undefined)).accounts).toHaveLength(0)
  })

  it('says which identity providers exist when asked for an unknown one', async () => {
    h = await startHarness({ hs: IDPS })
    const error = await failure(h.service.beginSso({ server: h.hs.url, idpId: 'github' }))
    expect(error.code).toBe('invalid-argument')
    expect(error.message).toMatch(/no identity provider "github"; it offers Example ID/)
    expect(h.browser.opened).toHaveLength(0)
  })

  it('says a server without SSO does not offer it', async () => {
    h = await startHarness({ hs: { flows: { sso: false } } })
    const error = await failure(h.service.beginSso({ server: h.hs.url }))
    expect(error.code).toBe('unsupported')
  })

  it('says a finished or unknown sign-in is no longer in progress', async () => {
    h = await startHarness({ hs: IDPS })
    const error = await failure(h.service.completeSso({ requestId: 'sso_nope' }))
    expect(error.code).toBe('not-found')
  })

  it('cancels waiting sign-ins on close', async () => {
    h = await startHarness({ hs: IDPS })
    const { requestId } = await h.service.beginSso({ server: h.hs.url })
    const completed = failure(h.service.completeSso({ requestId }))
    await h.service.close()
    expect((await completed).code).toBe('cancelled')
  })
})
