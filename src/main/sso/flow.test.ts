import { afterEach, describe, expect, it, vi } from 'vitest'
import { MatrixClient, MatrixError } from '../matrix'
import { SsoError } from './errors'
import { beginSsoSignIn, type SsoCredentials, type SsoSignIn, type SsoSignInOptions } from './flow'
import { aPersonAtTheBrowser, browse, type Visit } from '../../../test/sso/browser'
import { FAST, homeserverPerTest } from '../../../test/sso/homeserver'

// --- factories -------------------------------------------------------------------------------

const started: SsoSignIn[] = []

const { homeserver, server } = homeserverPerTest(async () => {
  for (const signIn of started.splice(0)) {
    signIn.cancel()
    await signIn.closed
  }
})

afterEach(() => {
  vi.restoreAllMocks()
})

/** A person at the system browser: picks `userId` on the identity provider's page and presses `decision`. */
const aPerson = (userId = '@alice:localhost', decision = 'continue') =>
  aPersonAtTheBrowser({ decision, fields: { user: userId } })

async function begin(over: Partial<SsoSignInOptions> = {}): Promise<SsoSignIn> {
  const signIn = await beginSsoSignIn({
    baseUrl: server().url,
    openExternal: aPerson().openExternal,
    deviceName: 'Latchkey test',
    transport: FAST,
    ...over,
  })
  started.push(signIn)
  return signIn
}

function listenerUrlOf(redirectUrl: string): string {
  const listener = new URL(redirectUrl).searchParams.get('redirectUrl')
  if (listener === null) throw new Error('no redirectUrl in the SSO redirect URL')
  return listener
}

/** The loginToken the homeserver sent the browser back with, read from where it went. */
function loginTokenIn(visit: Visit): string {
  for (const url of visit.urls) {
    const token = new URL(url).searchParams.get('loginToken')
    if (token !== null) return token
  }
  throw new Error('the browser never carried a loginToken')
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

async function whoami(credentials: SsoCredentials) {
  const client = new MatrixClient({ baseUrl: credentials.homeserverUrl, credentials: { accessToken: credentials.accessToken }, transport: FAST })
  return client.whoami()
}

function tick(ms = 20): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (condition()) return
    await tick(10)
  }
  throw new Error(`timed out waiting for ${what}`)
}

async function refusesConnections(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) })
    return false
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED'
  }
}

// --- tests -----------------------------------------------------------------------------------

describe('SSO sign-in through the browser', () => {
  it('yields a session the homeserver accepts, with a refresh token and the device name asked for', async () => {
    const person = aPerson()
    const signIn = await begin({ openExternal: person.openExternal })
    const credentials = await signIn.done

    expect(credentials).toMatchObject({ userId: '@alice:localhost', homeserverUrl: server().url })
    expect(credentials.refreshToken).toEqual(expect.any(String))
    expect(credentials.expiresAt).toBeGreaterThan(Date.now())
    await expect(whoami(credentials)).resolves.toMatchObject({ userId: '@alice:localhost', deviceId: credentials.deviceId })
    expect(server().devicesOf('alice')).toEqual([expect.objectContaining({ deviceId: credentials.deviceId, displayName: 'Latchkey test' })])
    const login = server().requests.find((r) => r.endpoint === 'login')
    expect(login?.body).toMatchObject({ type: 'm.login.token', refresh_token: true, initial_device_display_name: 'Latchkey test' })
    expect(login?.body).not.toHaveProperty('device_id')
  })

  it('opens the homeserver’s v3 SSO redirect with the loopback listener as redirectUrl', async () => {
    const person = aPerson()
    const signIn = await begin({ openExternal: person.openExternal })
    await signIn.done

    expect(person.opened).toEqual([signIn.url])
    const url = new URL(signIn.url)
    expect(`${url.origin}${url.pathname}`).toBe(`${server().url}/_matrix/client/v3/login/sso/redirect`)
    expect(listenerUrlOf(signIn.url)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sso\/[A-Za-z0-9_-]{43}$/)
  })

  it('leaves the browser on a page that says "Signed in to Latchkey as @alice:localhost"', async () => {
    const person = aPerson()
    const signIn = await begin({ openExternal: person.openExternal })
    await signIn.done
    const page = await person.lastVisit

    expect(page.status).toBe(200)
    expect(page.url.startsWith(listenerUrlOf(signIn.url))).toBe(true)
    expect(page.text).toContain('Signed in to Latchkey as @alice:localhost. You can close this tab.')
  })

  it('closes the listener once the sign-in is done', async () => {
    const signIn = await begin()
    await signIn.done
    await signIn.closed

    expect(await refusesConnections(listenerUrlOf(signIn.url))).toBe(true)
  })

  it('signs in the person chosen at the identity provider', async () => {
    const person = aPerson('@carol:localhost')
    const signIn = await begin({ openExternal: person.openExternal })

    await expect(signIn.done).resolves.toMatchObject({ userId: '@carol:localhost' })
    expect((await person.lastVisit).text).toContain('Signed in to Latchkey as @carol:localhost')
  })

  it('sends the browser to the identity provider asked for', async () => {
    await homeserver({ flows: { identityProviders: [{ id: 'gitlab', name: 'GitLab' }, { id: 'github', name: 'GitHub', brand: 'github' }] } })
    const person = aPerson()
    const signIn = await begin({ idpId: 'github', openExternal: person.openExternal })
    await signIn.done

    expect(new URL(signIn.url).pathname).toBe('/_matrix/client/v3/login/sso/redirect/github')
    expect((await person.lastVisit).urls.some((u) => new URL(u).pathname === '/_test/idp/github')).toBe(true)
  })

  it('uses the r0 path on a server that speaks only r0', async () => {
    await homeserver({ versions: ['r0.5.0', 'r0.6.1'] })
    const signIn = await begin()

    expect(new URL(signIn.url).pathname).toBe('/_matrix/client/r0/login/sso/redirect')
    await expect(signIn.done).resolves.toMatchObject({ userId: '@alice:localhost' })
    expect(server().requests.find((r) => r.endpoint === 'login')?.path).toBe('/_matrix/client/r0/login')
  })

  it('signs in again as the same device after a soft logout', async () => {
    const first = await (await begin()).done
    server().softLogout('alice', first.deviceId)
    await expect(whoami(first)).rejects.toMatchObject({ kind: 'logged-out', softLogout: true })

    const again = await (await begin({ deviceId: first.deviceId })).done

    expect(again.deviceId).toBe(first.deviceId)
    expect(again.accessToken).not.toBe(first.accessToken)
    await expect(whoami(again)).resolves.toMatchObject({ deviceId: first.deviceId })
    expect(server().devicesOf('alice').map((d) => d.deviceId)).toEqual([first.deviceId])
    expect(server().requests.filter((r) => r.endpoint === 'login').at(-1)?.body).toMatchObject({ device_id: first.deviceId })
  })
})

describe('keeping the session before the browser is answered', () => {
  it('runs keep with the new session before the page is answered, and done waits for it', async () => {
    const person = aPerson()
    const order: string[] = []
    let kept: SsoCredentials | undefined
    const signIn = await begin({
      openExternal: person.openExternal,
      keep: async (credentials) => {
        // Long enough for a page answered too early to have loaded in the meantime.
        await tick(100)
        order.push('kept')
        kept = credentials
      },
    })
    const page = person.lastVisit.then((visit) => (order.push('page'), visit))

    const credentials = await signIn.done
    expect(kept).toEqual(credentials)
    await expect(whoami(credentials)).resolves.toMatchObject({ userId: '@alice:localhost' })
    expect((await page).text).toContain('Signed in to Latchkey as @alice:localhost')
    expect(order).toEqual(['kept', 'page'])
  })

  it('a keep that throws rejects done with its error and the page says describeFailure of it', async () => {
    const person = aPerson()
    const refused = new Error('not this one')
    const signIn = await begin({
      openExternal: person.openExternal,
      keep: async () => {
        throw refused
      },
      describeFailure: (error) => (error === refused ? 'That signed in as somebody else.' : 'something else'),
    })

    await expect(signIn.done).rejects.toBe(refused)
    const page = await person.lastVisit
    expect(page.text).toContain('That signed in as somebody else.')
    expect(page.text).not.toContain('Signed in to Latchkey as')
    await signIn.closed
  })

  it('a describeFailure that throws leaves the plain sentence on the page', async () => {
    const person = aPerson()
    const signIn = await begin({
      openExternal: person.openExternal,
      keep: async () => {
        throw new Error('no')
      },
      describeFailure: () => {
        throw new Error('broken')
      },
    })

    await expect(signIn.done).rejects.toThrow('no')
    expect((await person.lastVisit).text).toContain('Latchkey could not finish the sign-in')
  })

  it('cancel while keep runs changes nothing: done resolves as keep does', async () => {
    const person = aPerson()
    const during: { signIn?: SsoSignIn; cancelled?: boolean } = {}
    const signIn = await begin({
      openExternal: person.openExternal,
      keep: async () => {
        await until(() => during.signIn !== undefined, 'beginSsoSignIn to answer')
        during.signIn?.cancel()
        during.cancelled = true
        await tick(20)
      },
    })
    during.signIn = signIn

    const credentials = await signIn.done
    expect(during.cancelled).toBe(true)
    await expect(whoami(credentials)).resolves.toMatchObject({ userId: '@alice:localhost' })
    expect((await person.lastVisit).text).toContain('Signed in to Latchkey as @alice:localhost')
    expect(server().requests.map((r) => r.endpoint)).not.toContain('logout')
  })
})

describe('cancelling and timing out', () => {
  it('cancel while the browser is away rejects done as cancelled and closes the listener', async () => {
    const signIn = await begin({ openExternal: async () => {} })
    signIn.cancel()

    const error = await rejection(signIn.done)
    expect(error).toBeInstanceOf(SsoError)
    expect(error).toMatchObject({ code: 'cancelled' })
    await signIn.closed
    expect(await refusesConnections(listenerUrlOf(signIn.url))).toBe(true)
  })

  it('aborting the signal cancels as cancel() does', async () => {
    const abort = new AbortController()
    const signIn = await begin({ openExternal: async () => {}, signal: abort.signal })
    abort.abort()

    await expect(signIn.done).rejects.toMatchObject({ name: 'SsoError', code: 'cancelled' })
    await signIn.closed
  })

  it('a signal already aborted stops the sign-in before the browser opens', async () => {
    const openExternal = vi.fn(async () => {})
    const abort = new AbortController()
    abort.abort()

    await expect(begin({ openExternal, signal: abort.signal })).rejects.toMatchObject({ name: 'SsoError', code: 'cancelled' })
    expect(openExternal).not.toHaveBeenCalled()
  })

  it('cancel while the homeserver is signing in ends the new session and tells the browser', async () => {
    server().setFault('login', { kind: 'latency', ms: 400 })
    const person = aPerson()
    const signIn = await begin({ openExternal: person.openExternal })
    // The identity provider has sent the browser on to the listener, which is now signing in.
    await until(() => server().requests.some((r) => r.endpoint === 'identityProvider' && r.method === 'POST'), 'the identity provider')
    await tick(100)
    signIn.cancel()

    await expect(signIn.done).rejects.toMatchObject({ code: 'cancelled' })
    await signIn.closed
    expect(server().requests.map((r) => r.endpoint)).toContain('logout')
    expect(server().devicesOf('alice')).toEqual([])
    expect((await person.lastVisit).text).toContain('The sign-in was cancelled in Latchkey')
  })

  it('times out when the browser never comes back', async () => {
    const signIn = await begin({ openExternal: async () => {}, timeoutMs: 150 })

    const error = await rejection(signIn.done)
    expect(error).toMatchObject({ name: 'SsoError', code: 'timeout' })
    expect((error as Error).message).toMatch(/did not come back to Latchkey within 150 milliseconds/)
    await signIn.closed
  })

  it('abandons the sign-in when the browser cannot be opened', async () => {
    const broken = new Error('no browser here')
    let opened = ''
    const openExternal = async (url: string): Promise<void> => {
      opened = url
      throw broken
    }

    await expect(begin({ openExternal })).rejects.toBe(broken)
    expect(await refusesConnections(listenerUrlOf(opened))).toBe(true)
  })
})

describe('what the server says no to', () => {
  it('an unknown identity provider fails before the browser opens, naming the ones offered', async () => {
    const openExternal = vi.fn(async () => {})

    const error = await rejection(begin({ idpId: 'myspace', openExternal }))

    expect(error).toBeInstanceOf(MatrixError)
    expect(error).toMatchObject({ kind: 'http', status: 404, errcode: 'M_NOT_FOUND' })
    expect((error as Error).message).toBe(`${new URL(server().url).host} has no identity provider “myspace”; it offers Test identity provider (test-idp).`)
    expect(openExternal).not.toHaveBeenCalled()
    // The same identity provider is what the homeserver itself answers 404 for.
    const direct = await fetch(`${server().url}/_matrix/client/v3/login/sso/redirect/myspace?redirectUrl=http%3A%2F%2F127.0.0.1%2F`, { redirect: 'manual' })
    expect(direct.status).toBe(404)
  })

  it('checks the identity provider against the list discovery found, without asking the server again', async () => {
    const error = await rejection(begin({ idpId: 'myspace', identityProviders: [{ id: 'github', name: 'GitHub' }] }))

    expect(error).toMatchObject({ status: 404, errcode: 'M_NOT_FOUND' })
    expect((error as Error).message).toContain('it offers GitHub (github)')
    expect(server().requests.map((r) => r.endpoint)).not.toContain('loginFlows')
  })

  it('a server without single sign-on is told apart before the browser opens', async () => {
    await homeserver({ flows: { sso: false } })
    const openExternal = vi.fn(async () => {})

    await expect(begin({ openExternal })).rejects.toMatchObject({ kind: 'unsupported', message: `${new URL(server().url).host} does not offer single sign-on.` })
    expect(openExternal).not.toHaveBeenCalled()
  })

  it('an identity provider that refuses leaves the browser on its error page and the sign-in waits until it times out', async () => {
    server().setIdpFailure('error-page')
    const person = aPerson()
    const signIn = await begin({ openExternal: person.openExternal, timeoutMs: 800 })

    const page = await person.lastVisit
    expect(page.status).toBe(403)
    expect(page.text).toContain('The identity provider refused the sign-in (access_denied).')
    await expect(signIn.done).rejects.toMatchObject({ code: 'timeout' })
    expect(server().requests.map((r) => r.endpoint)).not.toContain('login')
  })

  it('a person who cancels at the identity provider is told Latchkey still waits, and can cancel in Latchkey', async () => {
    const person = aPerson('@alice:localhost', 'cancel')
    const signIn = await begin({ openExternal: person.openExternal })

    const page = await person.lastVisit
    expect(page.status).toBe(400)
    expect(page.text).toContain('Latchkey is still waiting for the sign-in to finish')
    signIn.cancel()
    await expect(signIn.done).rejects.toMatchObject({ code: 'cancelled' })
  })

  it('a replayed loginToken is refused with a clear error, on the page and in done', async () => {
    const first = aPerson()
    await (await begin({ openExternal: first.openExternal })).done
    const spent = loginTokenIn(await first.lastVisit)

    let replay: Promise<Visit> | undefined
    const signIn = await begin({
      openExternal: async (url) => {
        replay = browse(`${listenerUrlOf(url)}?loginToken=${encodeURIComponent(spent)}`)
      },
    })
    const error = await rejection(signIn.done)

    const host = new URL(server().url).host
    expect(error).toBeInstanceOf(MatrixError)
    expect(error).toMatchObject({ kind: 'http', status: 403, errcode: 'M_FORBIDDEN' })
    expect((error as Error).message).toBe(`${host} refused the login token: it has expired or was already used.`)
    expect(JSON.stringify(error)).not.toContain(spent)
    const page = await replay!
    expect(page.text).toContain(`Latchkey could not finish signing in: ${host} refused the login token: it has expired or was already used.`)
    expect(page.html).not.toContain(spent)
  })
})

describe('secrets', () => {
  it('no login, access or refresh token appears in a log line or an error', async () => {
    const logged: unknown[][] = []
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args))
    }
    const person = aPerson()
    const credentials = await (await begin({ openExternal: person.openExternal })).done
    const loginToken = loginTokenIn(await person.lastVisit)
    const replayed = await begin({
      openExternal: async (url) => {
        void browse(`${listenerUrlOf(url)}?loginToken=${encodeURIComponent(loginToken)}`).catch(() => {})
      },
    })
    const error = await rejection(replayed.done)

    const secrets = [loginToken, credentials.accessToken, credentials.refreshToken ?? 'no refresh token']
    const said = JSON.stringify(logged) + String(error) + JSON.stringify(error) + ((error as Error).stack ?? '')
    for (const secret of secrets) expect(said).not.toContain(secret)
    expect(logged).toEqual([])
  })
})
