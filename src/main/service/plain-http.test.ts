// Plain http:// to a server off this machine (issue 9 §5): nothing secret is sent, and no session is
// kept, until the person has said yes (the call again with allowPlainHttp).
import { afterEach, describe, expect, it } from 'vitest'
import { failure } from '../../../test/service/expect'
import { PASSWORDS, startHarness, type Harness } from '../../../test/service/harness'

let h: Harness
afterEach(async () => h?.close())

const OFF_MACHINE = 'http://chat.example.invalid:8008'
const moveTo = (baseUrl: string) => ({ loginWellKnown: { 'm.homeserver': { base_url: baseUrl } } })
const IDPS = { flows: { sso: true, identityProviders: [{ id: 'oidc', name: 'Example ID' }] } }

describe('plain http:// to a server that is not this computer', () => {
  it('refuses a login code for such a server before the code is sent, in one sentence', async () => {
    h = await startHarness()
    const payload = `latchkey://login?${new URLSearchParams({ hs: OFF_MACHINE, token: 'secret-login-code', user: '@alice:example.invalid' })}`
    const error = await failure(h.service.addWithLoginToken({ payload }))
    expect(error.code).toBe('plain-http')
    expect(error.message).toBe(
      'The login code would go to chat.example.invalid:8008 over plain http://, unencrypted, where anyone on the network in between could read it and take over the session.',
    )
    expect((await h.state()).file).toBeNull()
  })

  it('does not ask about http:// on this computer', async () => {
    h = await startHarness()
    expect(h.hs.url).toMatch(/^http:\/\/127\.0\.0\.1:/)
    await expect(h.addAlice()).resolves.toMatchObject({ userId: '@alice:localhost' })
  })

  it('signs out a session the login answer moves to plain http://, keeps nothing, and says so', async () => {
    h = await startHarness({ hs: moveTo(OFF_MACHINE) })
    const error = await failure(h.addAlice())
    expect(error.code).toBe('plain-http')
    expect(error.message).toMatch(/moved the sign-in to chat\.example\.invalid:8008 over plain http:\/\/.*signed that session out\.$/)
    expect(h.hs.devicesOf('alice')).toEqual([])
    expect((await h.state()).file).toBeNull()
    expect((await h.state()).secrets).toEqual({})
  })

  it('keeps that session once the person has said yes', async () => {
    h = await startHarness({ hs: moveTo(OFF_MACHINE) })
    const account = await h.service.addWithPassword({
      server: h.hs.url,
      identifier: { kind: 'user', user: 'alice' },
      password: PASSWORDS.alice,
      allowPlainHttp: true,
      // localhost does not vouch for that host either: the person confirms it too (issue 9 §2).
      trustServer: 'chat.example.invalid:8008',
    })
    expect(account.homeserverUrl).toBe(OFF_MACHINE)
  })

  it('follows a move to plain http:// on this computer without asking', async () => {
    h = await startHarness({ hs: moveTo('http://127.0.0.2:8008') })
    expect((await h.addAlice()).homeserverUrl).toBe('http://127.0.0.2:8008')
  })

  it('refuses an SSO sign-in the login answer moves to plain http://, and tells the browser too', async () => {
    h = await startHarness({ hs: { ...IDPS, ...moveTo(OFF_MACHINE) } })
    const { requestId, url } = await h.service.beginSso({ server: h.hs.url, idpId: 'oidc' })
    const completed = failure(h.service.completeSso({ requestId }))
    const page = await h.browser.signInWithSso(url, '@carol:localhost')
    const error = await completed
    expect(error.code).toBe('plain-http')
    expect(await page.text()).toContain('over plain http://')
    expect(h.hs.devicesOf('carol')).toEqual([])
    expect((await h.state()).file).toBeNull()
  })
})

describe('plain http:// to a server found by its name on the network', () => {
  const BASE = 'http://chat.example.org:8008'

  /** chat.example.org answered by the test homeserver on loopback (the transport's test resolver). */
  async function serverOnTheNetwork(): Promise<Harness> {
    let port = 0
    h = await startHarness({
      hs: { wellKnown: null, ...IDPS },
      service: {
        matrix: {
          totalTimeoutMs: 3000,
          connectTimeoutMs: 1000,
          resolveForTests: (name) => (name === 'chat.example.org' ? { address: '127.0.0.1', port } : undefined),
        },
      },
    })
    port = Number(new URL(h.hs.url).port)
    return h
  }

  it('refuses a password before it is sent, in one sentence naming the host', async () => {
    await serverOnTheNetwork()
    const error = await failure(
      h.service.addWithPassword({ server: BASE, identifier: { kind: 'user', user: 'alice' }, password: PASSWORDS.alice }),
    )
    expect(error.code).toBe('plain-http')
    expect(error.message).toBe(
      'Your password would go to chat.example.org:8008 over plain http://, unencrypted, where anyone on the network in between could read it.',
    )
    expect(h.hs.requests.filter((r) => r.endpoint === 'login')).toEqual([])
    expect(JSON.stringify(h.hs.requests)).not.toContain(PASSWORDS.alice)
  })

  it('refuses single sign-on before the browser opens', async () => {
    await serverOnTheNetwork()
    const error = await failure(h.service.beginSso({ server: BASE, idpId: 'oidc' }))
    expect(error.code).toBe('plain-http')
    expect(error.message).toMatch(/^The sign-in would finish at chat\.example\.org:8008 over plain http:\/\//)
    expect(h.browser.opened).toEqual([])
  })

  it('opens the browser once the person has said yes', async () => {
    await serverOnTheNetwork()
    const { requestId, url } = await h.service.beginSso({ server: BASE, idpId: 'oidc', allowPlainHttp: true })
    expect(h.browser.opened).toEqual([url])
    expect(url.startsWith(`${BASE}/`)).toBe(true)
    await h.service.cancelSso({ requestId })
  })
})
