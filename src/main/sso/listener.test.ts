import { request as httpRequest, Agent } from 'node:http'
import { connect } from 'node:net'
import { networkInterfaces } from 'node:os'
import fc from 'fast-check'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { SsoError } from './errors'
import {
  OAUTH_REDIRECT_PATH,
  startRedirectListener,
  type OAuthListenerOptions,
  type RedirectListener,
  type SsoListenerOptions,
} from './listener'

// --- factories and helpers -------------------------------------------------------------------

const open: RedirectListener[] = []

afterEach(async () => {
  for (const listener of open.splice(0)) {
    listener.cancel()
    await listener.closed
  }
})

async function ssoListener(options: Partial<SsoListenerOptions> = {}): Promise<RedirectListener<{ loginToken: string }>> {
  const listener = await startRedirectListener({ kind: 'sso', ...options })
  open.push(listener)
  return listener
}

async function oauthListener(options: Partial<OAuthListenerOptions> = {}) {
  const listener = await startRedirectListener({ kind: 'oauth', ...options })
  open.push(listener)
  return listener
}

function aLoginToken(): string {
  return `syt_login_${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`
}

function withQuery(url: string, query: Record<string, string | string[]>): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, v)
  }
  return `${url}?${params.toString()}`
}

/** For requests that must be answered at once: a held (wrongly accepted) request fails fast. */
function quickFetch(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(3000) })
}

/** Tracks whether a promise has settled, without turning a rejection into an unhandled one. */
function watch<T>(promise: Promise<T>): { readonly settled: boolean } {
  const box = { settled: false }
  promise.then(
    () => (box.settled = true),
    () => (box.settled = true),
  )
  return box
}

/** Lets pending I/O and promise callbacks run, so a wrongly settled result would show. */
function tick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5))
}

interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** node:http rather than fetch where fetch refuses: any method, a Host header, absolute-form targets. */
function rawRequest(
  port: number,
  init: { method?: string; path: string; headers?: Record<string, string>; agent?: Agent },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: init.method ?? 'GET', path: init.path, headers: init.headers, agent: init.agent ?? false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }))
        res.on('error', reject)
      },
    )
    req.setTimeout(3000, () => req.destroy(new Error('no answer within 3 s (was the request held as accepted?)')))
    req.on('error', reject)
    req.end()
  })
}

function connectionRefused(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1000 })
    socket.once('timeout', () => {
      socket.destroy()
      resolve('timeout')
    })
    socket.once('connect', () => {
      socket.destroy()
      resolve('connected')
    })
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
  })
}

function pathOf(url: string): string {
  return new URL(url).pathname
}

async function expectRejection(promise: Promise<unknown>, code: SsoError['code']): Promise<SsoError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(SsoError)
  expect((error as SsoError).code).toBe(code)
  return error as SsoError
}

// --- SSO ---------------------------------------------------------------------------------------

describe('the SSO redirect listener', () => {
  it('gives a 127.0.0.1 URL whose path carries at least 128 random bits', async () => {
    const a = await ssoListener()
    const b = await ssoListener()
    const url = new URL(a.url)
    expect(url.protocol).toBe('http:')
    expect(url.hostname).toBe('127.0.0.1')
    expect(Number(url.port)).toBe(a.port)
    const nonce = url.pathname.replace(/^\/sso\//, '')
    expect(nonce).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(nonce.length * 6).toBeGreaterThanOrEqual(128)
    expect(pathOf(a.url)).not.toBe(pathOf(b.url))
    expect(a.state).toBeUndefined()
  })

  it('accepts the browser returning with a loginToken and shows the signed-in page once told', async () => {
    const listener = await ssoListener()
    const token = aLoginToken()
    const page = fetch(withQuery(listener.url, { loginToken: token }))

    await expect(listener.result).resolves.toEqual({ loginToken: token })
    listener.respond({ ok: true, userId: '@alice:example.org' })
    const response = await page

    expect(response.status).toBe(200)
    const text = await response.text()
    expect(text).toContain('Signed in to Latchkey as @alice:example.org. You can close this tab.')
    expect(text).not.toContain(token)
    expect(text).not.toMatch(/<script|<img|<link|src=|href=/i)
    expect(text).toContain('prefers-color-scheme: dark')
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('referrer-policy')).toBe('no-referrer')
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'")
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
  })

  it('holds the browser until the caller responds', async () => {
    const listener = await ssoListener()
    let answered = false
    const page = fetch(withQuery(listener.url, { loginToken: aLoginToken() })).then((r) => {
      answered = true
      return r
    })
    await listener.result
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(answered).toBe(false)
    listener.respond({ ok: true, userId: '@bob:example.org' })
    expect((await page).status).toBe(200)
  })

  it('closes after the page was sent and is never left listening', async () => {
    const listener = await ssoListener()
    const page = fetch(withQuery(listener.url, { loginToken: aLoginToken() }))
    await listener.result
    listener.respond({ ok: true, userId: '@alice:example.org' })
    await (await page).text()
    await listener.closed
    expect(await connectionRefused('127.0.0.1', listener.port)).toBe('ECONNREFUSED')
  })

  it('shows what went wrong, HTML-escaped, when the caller reports a failure', async () => {
    const listener = await ssoListener()
    const page = fetch(withQuery(listener.url, { loginToken: aLoginToken() }))
    await listener.result
    listener.respond({ ok: false, message: 'the server said <b>"no"</b> & left.' })
    const text = await (await page).text()
    expect(text).toContain(
      'Latchkey could not finish signing in: the server said &lt;b&gt;&quot;no&quot;&lt;/b&gt; &amp; left. You can close this tab and try again in Latchkey.',
    )
    expect(text).not.toContain('<b>')
  })

  it('escapes the user id in the signed-in page', async () => {
    const listener = await ssoListener()
    const page = fetch(withQuery(listener.url, { loginToken: aLoginToken() }))
    await listener.result
    listener.respond({ ok: true, userId: '@<script>alert(1)</script>:example.org' })
    const text = await (await page).text()
    expect(text).toContain('@&lt;script&gt;alert(1)&lt;/script&gt;:example.org')
    expect(text).not.toContain('<script>')
  })

  it('shows a neutral page and closes when the caller never responds', async () => {
    const listener = await ssoListener({ respondTimeoutMs: 100 })
    const page = fetch(withQuery(listener.url, { loginToken: aLoginToken() }))
    await listener.result
    const response = await page
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('Latchkey received the sign-in. Return to Latchkey to see whether it finished.')
    await listener.closed
    listener.respond({ ok: true, userId: '@late:example.org' }) // ignored, does not throw
  })

  it('rejects with cancelled and closes when the caller cancels', async () => {
    const listener = await ssoListener()
    listener.cancel()
    const error = await expectRejection(listener.result, 'cancelled')
    expect(error.message).toBe('The sign-in was cancelled.')
    await listener.closed
    expect(await connectionRefused('127.0.0.1', listener.port)).toBe('ECONNREFUSED')
  })

  it('tells a held browser that the sign-in was cancelled when cancelled after the redirect', async () => {
    const listener = await ssoListener()
    const page = fetch(withQuery(listener.url, { loginToken: aLoginToken() }))
    await listener.result
    listener.cancel()
    expect(await (await page).text()).toContain('The sign-in was cancelled in Latchkey.')
    await listener.closed
  })

  it('cancels when the abort signal fires', async () => {
    const controller = new AbortController()
    const listener = await ssoListener({ signal: controller.signal })
    controller.abort()
    await expectRejection(listener.result, 'cancelled')
    await listener.closed
  })

  it('refuses to start with an already aborted signal', async () => {
    await expectRejection(startRedirectListener({ kind: 'sso', signal: AbortSignal.abort() }), 'cancelled')
  })

  it('rejects with timeout and closes when no browser comes back in time', async () => {
    const listener = await ssoListener({ timeoutMs: 150 })
    const error = await expectRejection(listener.result, 'timeout')
    expect(error.message).toMatch(/did not come back to Latchkey within/)
    await listener.closed
    expect(await connectionRefused('127.0.0.1', listener.port)).toBe('ECONNREFUSED')
  })

  it('says "5 minutes" in the default timeout message', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const listener = await ssoListener()
      vi.advanceTimersByTime(5 * 60_000)
      const error = await expectRejection(listener.result, 'timeout')
      expect(error.message).toBe('The browser did not come back to Latchkey within 5 minutes. Start the sign-in again.')
    } finally {
      vi.useRealTimers()
    }
  })

  it('answers 404 to a wrong nonce and keeps waiting for the right one', async () => {
    const listener = await ssoListener()
    const progress = watch(listener.result)
    const token = aLoginToken()
    const wrong = await quickFetch(withQuery(`http://127.0.0.1:${listener.port}/sso/${'A'.repeat(43)}`, { loginToken: token }))
    expect(wrong.status).toBe(404)
    expect(wrong.headers.get('cache-control')).toBe('no-store')
    expect(await wrong.text()).toContain('not part of a Latchkey sign-in')
    await tick()
    expect(progress.settled).toBe(false)

    void fetch(withQuery(listener.url, { loginToken: token }))
    await expect(listener.result).resolves.toEqual({ loginToken: token })
  })

  it.each([
    ['no query at all', (url: string) => url],
    ['no loginToken', (url: string) => withQuery(url, { token: 'abc' })],
    ['an empty loginToken', (url: string) => withQuery(url, { loginToken: '' })],
    ['two loginTokens', (url: string) => withQuery(url, { loginToken: ['abc', 'def'] })],
  ])('answers 400 to the right path with %s and keeps waiting', async (_name, build) => {
    const listener = await ssoListener()
    const progress = watch(listener.result)
    const response = await quickFetch(build(listener.url))
    expect(response.status).toBe(400)
    expect(await response.text()).toContain('Latchkey is still waiting')
    await tick()
    expect(progress.settled).toBe(false)
  })

  it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'])(
    'answers 405 to %s on the right path with a token and does not accept it',
    async (method) => {
      const listener = await ssoListener()
      const progress = watch(listener.result)
      const response = await quickFetch(withQuery(listener.url, { loginToken: aLoginToken() }), { method })
      expect(response.status).toBe(405)
      expect(response.headers.get('allow')).toBe('GET')
      await tick()
      expect(progress.settled).toBe(false)
    },
  )

  it('answers 400 to the right request under another Host header (DNS rebinding)', async () => {
    const listener = await ssoListener()
    const progress = watch(listener.result)
    const path = `${pathOf(listener.url)}?loginToken=abc`
    for (const host of ['evil.example', `localhost:${listener.port}`, `evil.example:${listener.port}`]) {
      const response = await rawRequest(listener.port, { path, headers: { host } })
      expect(response.status).toBe(400)
    }
    await tick()
    expect(progress.settled).toBe(false)
  })

  it('answers 404 to absolute-form and protocol-relative targets naming the right path', async () => {
    const listener = await ssoListener()
    const progress = watch(listener.result)
    const path = `${pathOf(listener.url)}?loginToken=abc`
    for (const target of [`http://127.0.0.1:${listener.port}${path}`, `//127.0.0.1:${listener.port}${path}`]) {
      expect((await rawRequest(listener.port, { path: target })).status).toBe(404)
    }
    await tick()
    expect(progress.settled).toBe(false)
  })

  it('answers 410 to a replayed loginToken while the page is held, then stops listening', async () => {
    const listener = await ssoListener()
    const token = aLoginToken()
    const first = fetch(withQuery(listener.url, { loginToken: token }))
    await listener.result

    const replay = await rawRequest(listener.port, { path: `${pathOf(listener.url)}?loginToken=${token}` })
    expect(replay.status).toBe(410)
    expect(replay.body).toContain('already been used')
    const elsewhere = await rawRequest(listener.port, { path: `/sso/other?loginToken=${token}` })
    expect(elsewhere.status).toBe(404)
    await expect(listener.result).resolves.toEqual({ loginToken: token })

    listener.respond({ ok: true, userId: '@alice:example.org' })
    await (await first).text()
    await listener.closed
    expect(await connectionRefused('127.0.0.1', listener.port)).toBe('ECONNREFUSED')
  })

  it('closes when the browser goes away before the caller responds', async () => {
    const listener = await ssoListener()
    const controller = new AbortController()
    const page = fetch(withQuery(listener.url, { loginToken: aLoginToken() }), { signal: controller.signal }).catch(() => 'aborted')
    await listener.result
    controller.abort()
    expect(await page).toBe('aborted')
    await listener.closed
  })

  it('drops half-sent requests when it closes instead of waiting for them', async () => {
    const listener = await ssoListener()
    const socket = connect({ host: '127.0.0.1', port: listener.port })
    await new Promise((resolve) => socket.once('connect', resolve))
    const socketClosed = new Promise((resolve) => socket.once('close', resolve))
    socket.on('error', () => {})
    socket.write('GET /sso/slow HTTP/1.1\r\nHost: 127.0.0.1\r\n')
    await tick()
    listener.cancel()
    const soon = new Promise((resolve) => setTimeout(() => resolve('still open'), 1000))
    expect(await Promise.race([listener.closed.then(() => 'closed'), soon])).toBe('closed')
    await socketClosed
  })

  it('drops a connection that never finishes its headers when headersTimeout says, not at Node’s 30 s check', async () => {
    const listener = await ssoListener({ limits: { headersTimeoutMs: 400, requestTimeoutMs: 400 } })
    const socket = connect({ host: '127.0.0.1', port: listener.port })
    socket.on('error', () => {})
    socket.resume() // read the 408, so 'close' can follow
    await new Promise((resolve) => socket.once('connect', resolve))
    const started = performance.now()
    const closed = new Promise((resolve) => socket.once('close', resolve))
    socket.write(`GET ${pathOf(listener.url)}?loginToken=x HTTP/1.1\r\nHost: 127.0.0.1\r\n`)
    const soon = new Promise((resolve) => setTimeout(() => resolve('still open'), 2500))
    expect(await Promise.race([closed.then(() => 'closed'), soon])).toBe('closed')
    expect(performance.now() - started).toBeGreaterThanOrEqual(350)
    // The sign-in is still waiting for the real browser.
    const token = aLoginToken()
    void fetch(withQuery(listener.url, { loginToken: token })).catch(() => undefined)
    expect((await listener.result).loginToken).toBe(token)
  })

  it('closes a default listener’s stalled connection within its 10 s header limit', { timeout: 20_000 }, async () => {
    const listener = await ssoListener()
    const socket = connect({ host: '127.0.0.1', port: listener.port })
    socket.on('error', () => {})
    socket.resume() // read the 408, so 'close' can follow
    await new Promise((resolve) => socket.once('connect', resolve))
    const started = performance.now()
    const closed = new Promise((resolve) => socket.once('close', resolve))
    socket.write('GET /sso/slow HTTP/1.1\r\n')
    const late = new Promise((resolve) => setTimeout(() => resolve('still open'), 12_000))
    expect(await Promise.race([closed.then(() => 'closed'), late])).toBe('closed')
    expect(performance.now() - started).toBeGreaterThanOrEqual(9_500)
  })

  it('caps the connections open at once and still takes the browser once they go', async () => {
    const listener = await ssoListener({ limits: { maxConnections: 3 } })
    const sockets = await Promise.all(
      [1, 2, 3].map(
        () =>
          new Promise<ReturnType<typeof connect>>((resolve) => {
            const socket = connect({ host: '127.0.0.1', port: listener.port }, () => resolve(socket))
            socket.on('error', () => {})
          }),
      ),
    )
    await tick()
    const extra = connect({ host: '127.0.0.1', port: listener.port })
    extra.on('error', () => {})
    extra.resume()
    const soon = new Promise((resolve) => setTimeout(() => resolve('still open'), 1000))
    expect(await Promise.race([new Promise((resolve) => extra.once('close', () => resolve('closed'))), soon])).toBe('closed')
    for (const socket of sockets) socket.destroy()
    await new Promise((resolve) => setTimeout(resolve, 50))
    const token = aLoginToken()
    void fetch(withQuery(listener.url, { loginToken: token })).catch(() => undefined)
    expect((await listener.result).loginToken).toBe(token)
  })

  it('answers every request with Connection: close and does not keep the connection for another', async () => {
    const listener = await ssoListener()
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    try {
      const first = await rawRequest(listener.port, { path: '/nothing-here', agent })
      expect(first.status).toBe(404)
      expect(first.headers.connection).toBe('close')
      const socket = connect({ host: '127.0.0.1', port: listener.port })
      socket.on('error', () => {})
      const chunks: Buffer[] = []
      socket.on('data', (chunk: Buffer) => chunks.push(chunk))
      const closed = new Promise((resolve) => socket.once('close', resolve))
      socket.write('GET /a HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
      await closed
      expect(Buffer.concat(chunks).toString('latin1').match(/^HTTP\/1\.1 /gm)).toHaveLength(1)
    } finally {
      agent.destroy()
    }
  })

  it('refuses a timeout setTimeout cannot honour', async () => {
    await expect(startRedirectListener({ kind: 'sso', timeoutMs: 2 ** 31 })).rejects.toThrow(TypeError)
    await expect(startRedirectListener({ kind: 'sso', timeoutMs: 0 })).rejects.toThrow(TypeError)
  })
})

// --- OAuth -------------------------------------------------------------------------------------

describe('the OAuth redirect listener', () => {
  it('listens on the fixed registered path and makes a 256-bit state when none is given', async () => {
    const listener = await oauthListener()
    expect(listener.url).toBe(`http://127.0.0.1:${listener.port}${OAUTH_REDIRECT_PATH}`)
    expect(listener.state).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('accepts code and the matching state, with the issuer when sent', async () => {
    const listener = await oauthListener({ expectedState: 'state-from-the-caller-0123456789' })
    expect(listener.state).toBe('state-from-the-caller-0123456789')
    const page = fetch(withQuery(listener.url, { code: 'the-code', state: 'state-from-the-caller-0123456789', iss: 'https://auth.example.org/' }))
    await expect(listener.result).resolves.toEqual({
      code: 'the-code',
      state: 'state-from-the-caller-0123456789',
      iss: 'https://auth.example.org/',
    })
    listener.respond({ ok: true, userId: '@alice:example.org' })
    expect(await (await page).text()).toContain('Signed in to Latchkey as @alice:example.org.')
  })

  it.each([
    ['a wrong state', { code: 'c', state: 'not-the-state' }],
    ['no state', { code: 'c' }],
    ['two states', { code: 'c', state: ['STATE', 'STATE'] }],
    ['no code', { state: 'STATE' }],
    ['an empty code', { code: '', state: 'STATE' }],
    ['an error under a wrong state', { error: 'access_denied', state: 'forged' }],
  ])('answers 400 to %s and keeps waiting', async (_name, query) => {
    const listener = await oauthListener({ expectedState: 'STATE' })
    const progress = watch(listener.result)
    const response = await quickFetch(withQuery(listener.url, query))
    expect(response.status).toBe(400)
    await tick()
    expect(progress.settled).toBe(false)
  })

  it('rejects with idp-error when the server sends error=access_denied with the right state', async () => {
    const listener = await oauthListener()
    const state = listener.state ?? ''
    const page = fetch(withQuery(listener.url, { error: 'access_denied', error_description: 'The user said <no>.', state }))
    const error = await expectRejection(listener.result, 'idp-error')
    expect(error.idpError).toBe('access_denied')
    expect(error.idpErrorDescription).toBe('The user said <no>.')
    expect(error.message).toBe('The sign-in was refused by the server (access_denied: The user said <no>.).')
    const text = await (await page).text()
    expect(text).toContain('Latchkey could not finish signing in: The sign-in was refused by the server (access_denied: The user said &lt;no&gt;.)')
    await listener.closed
  })
})

// --- hostile traffic ---------------------------------------------------------------------------

describe('the listener under random traffic', () => {
  it('accepts none of 1,000 random requests and still accepts the right one afterwards', async () => {
    const listener = await ssoListener()
    const progress = watch(listener.result)
    const rightPath = pathOf(listener.url)
    const nonce = rightPath.slice('/sso/'.length)
    const rightHost = `127.0.0.1:${listener.port}`
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })

    const nearPaths = fc.oneof(
      fc.constant(rightPath),
      fc.constantFrom(
        `${rightPath}/`,
        `${rightPath}/x`,
        `${rightPath}%2F`,
        `${rightPath}.`,
        `${rightPath}#frag`,
        `/SSO/${nonce}`,
        `/sso//${nonce}`,
        `/sso/${nonce.slice(1)}`,
        `/sso/${nonce}${nonce}`,
        `/sso/./${nonce}`,
        `/x/../sso/${nonce}`,
        `/sso/${encodeURIComponent(nonce).replace(/[A-Za-z]/, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`,
        `http://${rightHost}${rightPath}`,
        `//${rightHost}${rightPath}`,
        '/',
        '/favicon.ico',
        '/oauth/callback',
      ),
      fc.integer({ min: 0, max: nonce.length - 1 }).map((i) => `/sso/${nonce.slice(0, i)}${nonce[i] === 'A' ? 'B' : 'A'}${nonce.slice(i + 1)}`),
      fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)),
    )
    const queries = fc.oneof(
      fc.constantFrom('', '?', '?loginToken=', '?loginToken=abc', '?loginToken=abc&loginToken=def', '?logintoken=abc', '?LoginToken=abc', '?token=abc', '?loginToken'),
      fc.webQueryParameters().map((q) => `?${q}`),
      fc.webQueryParameters().map((q) => `?loginToken=t0k&${q}`),
    )
    const headerValue = fc.oneof(
      fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,30}$/),
      fc.constantFrom(rightHost, `localhost:${listener.port}`, '127.0.0.1', 'evil.example'),
    )
    const headers = fc.dictionary(
      fc.constantFrom('host', 'accept', 'user-agent', 'cookie', 'origin', 'referer', 'authorization', 'x-forwarded-for', 'x-forwarded-host', 'forwarded', 'accept-language', 'x-latchkey'),
      headerValue,
      { maxKeys: 5 },
    )
    const methods = fc.constantFrom('GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND', 'FOO')

    /** Written apart from the listener: the one shape of request it may accept. */
    const wouldAccept = (r: { method: string; path: string; query: string; headers: Record<string, string> }): boolean => {
      const host = (r.headers.host ?? rightHost).trim()
      const tokens = new URLSearchParams(r.query.replace(/^\?/, '')).getAll('loginToken')
      return r.method === 'GET' && r.path === rightPath && host === rightHost && tokens.length === 1 && tokens[0] !== ''
    }
    const requests = fc.record({ method: methods, path: nearPaths, query: queries, headers }).filter((r) => !wouldAccept(r))

    const statuses = new Map<number, number>()
    try {
      await fc.assert(
        fc.asyncProperty(requests, async (r) => {
          const response = await rawRequest(listener.port, { method: r.method, path: `${r.path}${r.query}`, headers: r.headers, agent })
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
          expect([400, 404, 405]).toContain(response.status)
          expect(progress.settled).toBe(false)
        }),
        { numRuns: 1000 },
      )
    } finally {
      agent.destroy()
    }
    // The run must have reached every kind of refusal, or it tested less than it claims.
    expect([...statuses.keys()].sort()).toEqual([400, 404, 405])

    const token = aLoginToken()
    void fetch(withQuery(listener.url, { loginToken: token }))
    await expect(listener.result).resolves.toEqual({ loginToken: token })
    // A thousand connections, each closed after one answer: slow on a loaded machine, not a figure.
  }, 90_000)
})

// --- binding -----------------------------------------------------------------------------------

describe('where the listener binds', () => {
  const external = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && !a.internal)
    .map((a) => a!.address)
  const externalV4 = external.filter((a) => a.includes('.'))

  it('binds 127.0.0.1 and not the other loopback addresses', async () => {
    const listener = await ssoListener()
    expect(listener.host).toBe('127.0.0.1')
    expect(await connectionRefused('127.0.0.1', listener.port)).toBe('connected')
    // Refused on Linux; other systems may not route 127.0.0.2 or ::1 at all. Either way, not ours.
    expect(await connectionRefused('127.0.0.2', listener.port)).not.toBe('connected')
    expect(await connectionRefused('::1', listener.port)).not.toBe('connected')
  })

  it.skipIf(externalV4.length === 0)(
    "cannot be reached on the machine's network addresses (skipped where the machine has no non-loopback IPv4 address)",
    async () => {
      const listener = await ssoListener()
      for (const address of external) {
        if (address.startsWith('fe80:')) continue // link-local needs a scope id; not a bind target of ours either
        expect(await connectionRefused(address, listener.port)).not.toBe('connected')
      }
    },
  )
})

// --- secrets -----------------------------------------------------------------------------------

describe('secrets', () => {
  it('never writes the login token, the code or the nonce path to any console method', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((m) => vi.spyOn(console, m))
    const token = aLoginToken()
    const code = `code-${aLoginToken()}`
    const errors: unknown[] = []
    let noncePath: string | undefined
    try {
      const sso = await ssoListener({ respondTimeoutMs: 50 })
      noncePath = pathOf(sso.url)
      await quickFetch(withQuery(`http://127.0.0.1:${sso.port}/sso/wrong`, { loginToken: token }))
      await quickFetch(withQuery(sso.url, { loginToken: token }), { method: 'POST' })
      const page = fetch(withQuery(sso.url, { loginToken: token }))
      expect(await sso.result).toEqual({ loginToken: token })
      await rawRequest(sso.port, { path: `${noncePath}?loginToken=${token}` })
      await (await page).text()
      await sso.closed

      const oauth = await oauthListener()
      await quickFetch(withQuery(oauth.url, { code, state: 'wrong' }))
      void fetch(withQuery(oauth.url, { code, state: oauth.state ?? '' }))
      await oauth.result
      oauth.cancel()
      await oauth.closed

      const cancelled = await ssoListener()
      cancelled.cancel()
      errors.push(await cancelled.result.catch((e: unknown) => e))
    } finally {
      for (const spy of spies) spy.mockRestore()
    }
    const written = [...spies.flatMap((spy) => spy.mock.calls.flat()), ...errors]
      .map((v) => (v instanceof Error ? `${v.name} ${v.message} ${v.stack}` : String(v)))
      .join('\n')
    expect(written).not.toContain(token)
    expect(written).not.toContain(code)
    expect(noncePath).toBeDefined()
    expect(written).not.toContain(String(noncePath))
    for (const spy of spies) expect(spy).not.toHaveBeenCalled()
  })
})
