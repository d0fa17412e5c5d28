import { describe, expect, it } from 'vitest'
import { call, login, passwordAuth, useHomeserver } from './fixtures'

const GET_TOKEN = '/_matrix/client/v1/login/get_token'

async function tokenFor(t: ReturnType<typeof useHomeserver>, accessToken: string) {
  const challenge = await call(t.hs, 'POST', GET_TOKEN, { body: {}, token: accessToken })
  return call(t.hs, 'POST', GET_TOKEN, { body: { auth: passwordAuth(challenge.body.session) }, token: accessToken })
}

describe('POST /v1/login/get_token', () => {
  const t = useHomeserver()

  it('asks for the password stage, then answers a login token with expires_in_ms and the deprecated expires_in', async () => {
    const me = await login(t.hs)
    const challenge = await call(t.hs, 'POST', GET_TOKEN, { body: {}, token: me.accessToken })
    expect(challenge.status).toBe(401)
    expect(challenge.body.flows).toEqual([{ stages: ['m.login.password'] }])
    const answer = await call(t.hs, 'POST', GET_TOKEN, { body: { auth: passwordAuth(challenge.body.session) }, token: me.accessToken })
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({ login_token: expect.any(String), expires_in_ms: 120_000, expires_in: 120 })
  })

  it('mints a token that signs in a new device once', async () => {
    const me = await login(t.hs)
    const { body } = await tokenFor(t, me.accessToken)
    const first = await call(t.hs, 'POST', '/_matrix/client/v3/login', { body: { type: 'm.login.token', token: body.login_token } })
    expect(first.body.user_id).toBe('@alice:localhost')
    expect(first.body.device_id).not.toBe(me.deviceId)
    const second = await call(t.hs, 'POST', '/_matrix/client/v3/login', { body: { type: 'm.login.token', token: body.login_token } })
    expect(second.status).toBe(403)
  })

  it('re-prompts for every token: a spent session does not authorise another one', async () => {
    const me = await login(t.hs)
    const challenge = await call(t.hs, 'POST', GET_TOKEN, { body: {}, token: me.accessToken })
    await call(t.hs, 'POST', GET_TOKEN, { body: { auth: passwordAuth(challenge.body.session) }, token: me.accessToken })
    const again = await call(t.hs, 'POST', GET_TOKEN, { body: { auth: { session: challenge.body.session } }, token: me.accessToken })
    expect(again.status).toBe(400)
  })

  it('answers without a token 401 M_MISSING_TOKEN', async () => {
    const answer = await call(t.hs, 'POST', GET_TOKEN, { body: {} })
    expect([answer.status, answer.body.errcode]).toEqual([401, 'M_MISSING_TOKEN'])
  })

  it('answers rateLimit() 429 M_LIMIT_EXCEEDED with retry_after_ms and a Retry-After header, then recovers', async () => {
    const me = await login(t.hs)
    t.hs.rateLimit('getLoginToken', 1, 2500)
    const limited = await call(t.hs, 'POST', GET_TOKEN, { body: {}, token: me.accessToken })
    expect(limited.status).toBe(429)
    expect(limited.body).toMatchObject({ errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 2500 })
    expect(limited.headers.get('retry-after')).toBe('3')
    expect((await call(t.hs, 'POST', GET_TOKEN, { body: {}, token: me.accessToken })).status).toBe(401)
  })

  it('answers rateLimit() with only the header or only the body when asked', async () => {
    const me = await login(t.hs)
    t.hs.rateLimit('getLoginToken', 1, 1000, 'header')
    const header = await call(t.hs, 'POST', GET_TOKEN, { body: {}, token: me.accessToken })
    expect(header.body.retry_after_ms).toBeUndefined()
    expect(header.headers.get('retry-after')).toBe('1')
    t.hs.rateLimit('getLoginToken', 1, 1000, 'body')
    const body = await call(t.hs, 'POST', GET_TOKEN, { body: {}, token: me.accessToken })
    expect(body.body.retry_after_ms).toBe(1000)
    expect(body.headers.get('retry-after')).toBeNull()
  })
})

describe('POST /v1/login/get_token with Synapse’s per-user rate limit', () => {
  const t = useHomeserver({ getLoginTokenRateLimitMs: 60_000 })

  it('answers a second token within the window 429 with retry_after_ms near 60 s, other users unaffected', async () => {
    const me = await login(t.hs)
    expect((await tokenFor(t, me.accessToken)).status).toBe(200)
    const second = await call(t.hs, 'POST', GET_TOKEN, { body: {}, token: me.accessToken })
    expect(second.status).toBe(429)
    expect(second.body.retry_after_ms).toBeGreaterThan(59_000)
    expect(second.body.retry_after_ms).toBeLessThanOrEqual(60_000)
    const bob = await login(t.hs, 'bob', 'builder')
    const bobs = await call(t.hs, 'POST', GET_TOKEN, { body: {}, token: bob.accessToken })
    expect(bobs.status).toBe(401)
  })
})

describe('POST /v1/login/get_token on a server without it', () => {
  const t = useHomeserver({ flows: { getLoginToken: false } })

  it('answers 404 M_UNRECOGNIZED and advertises neither the flow flag nor the capability', async () => {
    const me = await login(t.hs)
    const answer = await call(t.hs, 'POST', GET_TOKEN, { body: {}, token: me.accessToken })
    expect([answer.status, answer.body.errcode]).toEqual([404, 'M_UNRECOGNIZED'])
    const flows = (await call(t.hs, 'GET', '/_matrix/client/v3/login')).body.flows
    expect(flows).toContainEqual({ type: 'm.login.token' })
    const capabilities = (await call(t.hs, 'GET', '/_matrix/client/v3/capabilities', { token: me.accessToken })).body.capabilities
    expect(capabilities['m.get_login_token']).toEqual({ enabled: false })
  })
})
