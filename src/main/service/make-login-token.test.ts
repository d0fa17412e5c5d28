import { afterEach, describe, expect, it } from 'vitest'
import { failure } from '../../../test/service/expect'
import { PASSWORDS, startHarness, type Harness } from '../../../test/service/harness'
import { parseLoginPayload } from './login-payload'

let h: Harness
afterEach(async () => h?.close())

describe('generateLoginToken', () => {
  it('asks for authentication first, naming the password stage', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    const error = await failure(h.service.generateLoginToken({ accountId: alice.id }))
    expect(error).toMatchObject({ code: 'auth-required', authStages: ['m.login.password'] })
  })

  it('answers the token, its expiry and a payload another device can sign in with', async () => {
    h = await startHarness({ hs: { loginTokenLifetimeMs: 120_000 } })
    const alice = await h.addAlice()
    const started = Date.now()
    const made = await h.service.generateLoginToken({ accountId: alice.id, auth: { type: 'password', password: PASSWORDS.alice } })
    expect(made.expiresAt).toBeGreaterThanOrEqual(started + 119_000)
    expect(made.expiresAt).toBeLessThanOrEqual(Date.now() + 120_000)
    expect(parseLoginPayload(made.payload)).toEqual({ server: h.hs.url, token: made.token, userId: '@alice:localhost' })
  })

  it('confirms in the browser for an SSO-only account', async () => {
    h = await startHarness()
    const carol = await h.service.addWithLoginToken({ payload: h.hs.mintLoginToken('carol'), server: h.hs.url })
    const made = h.service.generateLoginToken({ accountId: carol.id, auth: { type: 'sso' } })
    await h.browser.confirmFallback(await h.browser.next())
    expect((await made).token).toBeTruthy()
  })

  it('gives up on a browser confirmation that never comes, in a sentence', async () => {
    h = await startHarness({ service: { tuning: { ssoTimeoutMs: 200, ssoPollIntervalMs: 20 } } })
    const carol = await h.service.addWithLoginToken({ payload: h.hs.mintLoginToken('carol'), server: h.hs.url })
    const error = await failure(h.service.generateLoginToken({ accountId: carol.id, auth: { type: 'sso' } }))
    expect(error.code).toBe('cancelled')
    expect(error.message).toMatch(/did not finish within 200 milliseconds/)
    expect(h.browser.opened).toHaveLength(1)
  })

  it('says how long to wait when the server rate-limits it', async () => {
    h = await startHarness({ hs: { getLoginTokenRateLimitMs: 58_000 } })
    const alice = await h.addAlice()
    const auth = { type: 'password', password: PASSWORDS.alice } as const
    await h.service.generateLoginToken({ accountId: alice.id, auth })
    const error = await failure(h.service.generateLoginToken({ accountId: alice.id, auth }))
    expect(error.code).toBe('rate-limited')
    expect(error.retryAfterMs).toBeGreaterThan(50_000)
    expect(error.message).toMatch(/^localhost asks you to wait 5\d seconds before making another login token\.$/)
  })

  it('makes one on a server that advertises only v1.6 but serves the stable path, as Synapse 1.97 does', async () => {
    h = await startHarness({ hs: { profile: 'synapse-1.97' } })
    const alice = await h.addAlice()
    const made = await h.service.generateLoginToken({ accountId: alice.id, auth: { type: 'password', password: PASSWORDS.alice } })
    expect(parseLoginPayload(made.payload)).toMatchObject({ token: made.token, userId: '@alice:localhost' })
    const signedIn = await h.service.addWithLoginToken({ payload: made.payload })
    expect(signedIn.userId).toBe('@alice:localhost')
  })

  it('says in one sentence why a server without login tokens cannot make one', async () => {
    h = await startHarness({ hs: { flows: { getLoginToken: false }, capabilitiesGetLoginToken: false } })
    const alice = await h.addAlice()
    const error = await failure(h.service.generateLoginToken({ accountId: alice.id, auth: { type: 'password', password: PASSWORDS.alice } }))
    expect(error.code).toBe('unsupported')
    expect(error.message).toBe('localhost does not let a signed-in session make login tokens for other devices (its administrator has turned this off).')
    expect(h.hs.requests.some((r) => r.endpoint === 'getLoginToken')).toBe(false)
  })

  it('says so too on MAS servers, which have no get_token endpoint', async () => {
    h = await startHarness({ hs: { mas: true } })
    const alice = await h.addAlice()
    const error = await failure(h.service.generateLoginToken({ accountId: alice.id, auth: { type: 'password', password: PASSWORDS.alice } }))
    expect(error.code).toBe('unsupported')
    expect(error.message).toMatch(/does not let a signed-in session make login tokens/)
  })
})
