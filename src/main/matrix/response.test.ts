import { describe, expect, it } from 'vitest'
import { endpoints } from './endpoints/index'
import type { AnyEndpoint } from './endpoint'
import { MatrixError } from './errors'
import { readResponse, type RawResponse } from './response'

const HOST = 'matrix.example.org'

const answer = (status: number, body: string | object, headers: Record<string, string> = {}): RawResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
})

function failure(endpoint: AnyEndpoint, res: RawResponse, secrets: string[] = []): MatrixError {
  try {
    readResponse(endpoint, res, { host: HOST, secrets, now: () => Date.parse('2026-01-01T00:00:00Z') })
  } catch (e) {
    if (e instanceof MatrixError) return e
    throw e
  }
  throw new Error('expected a MatrixError')
}

describe('reading answers', () => {
  it('turns a whoami answer into camelCase fields', () => {
    const r = readResponse(endpoints.whoami, answer(200, { user_id: '@alice:example.org', device_id: 'ABC', is_guest: false }), { host: HOST })
    expect(r).toEqual({ userId: '@alice:example.org', deviceId: 'ABC', isGuest: false })
  })

  it('reads Synapse’s null device fields as absent', () => {
    const r = readResponse(endpoints.devices, answer(200, { devices: [{ device_id: 'A', display_name: null, last_seen_ip: null, last_seen_ts: null }] }), { host: HOST })
    expect(r).toEqual([{ deviceId: 'A' }])
  })

  it('says a body that is not JSON is not JSON, naming the server and the call', () => {
    const e = failure(endpoints.whoami, answer(200, '{"user_id": '))
    expect(e.kind).toBe('malformed')
    expect(e.message).toBe(`${HOST} answered the session check with data that is not JSON.`)
  })

  it('recognises a web page where Matrix data should be', () => {
    const e = failure(endpoints.versions, answer(200, '<!doctype html><p>Welcome</p>', { 'content-type': 'text/html' }))
    expect(e.kind).toBe('malformed')
    expect(e.message).toMatch(/web page instead of Matrix data/)
  })

  it('names the JSON path of a wrong shape, not its value', () => {
    const e = failure(endpoints.login, answer(200, { user_id: '@a:b', access_token: 12345678, device_id: 'D' }))
    expect(e.kind).toBe('malformed')
    expect(e.message).toContain('access_token: expected a string, found a number')
    expect(e.message).not.toContain('12345678')
  })

  it('reads a 429 with retry_after_ms as rate-limited with the wait', () => {
    const e = failure(endpoints.getLoginToken, answer(429, { errcode: 'M_LIMIT_EXCEEDED', error: 'Too many requests', retry_after_ms: 58_000 }))
    expect(e).toMatchObject({ kind: 'rate-limited', status: 429, errcode: 'M_LIMIT_EXCEEDED', retryAfterMs: 58_000 })
    expect(e.message).toBe(`${HOST} asks to wait 58 seconds before the login token request can be tried again.`)
  })

  it('reads Retry-After in seconds and as an HTTP date', () => {
    expect(failure(endpoints.login, answer(429, { errcode: 'M_LIMIT_EXCEEDED' }, { 'retry-after': '3' })).retryAfterMs).toBe(3000)
    expect(failure(endpoints.login, answer(429, { errcode: 'M_LIMIT_EXCEEDED' }, { 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' })).retryAfterMs).toBe(7000)
  })

  it('reads M_UNKNOWN_TOKEN as logged out, soft only when soft_logout is true', () => {
    const soft = failure(endpoints.whoami, answer(401, { errcode: 'M_UNKNOWN_TOKEN', error: 'expired', soft_logout: true }))
    const hard = failure(endpoints.whoami, answer(401, { errcode: 'M_UNKNOWN_TOKEN', error: 'gone', soft_logout: false }))
    expect([soft.kind, soft.softLogout]).toEqual(['logged-out', true])
    expect([hard.kind, hard.softLogout]).toEqual(['logged-out', false])
    expect(soft.message).toMatch(/expired; sign in again/)
    expect(hard.message).toMatch(/has ended/)
  })

  it('reads M_USER_LOCKED as its own kind', () => {
    const e = failure(endpoints.devices, answer(401, { errcode: 'M_USER_LOCKED', error: 'This account has been locked', soft_logout: true }))
    expect(e).toMatchObject({ kind: 'user-locked', errcode: 'M_USER_LOCKED', softLogout: true })
    expect(e.message).toBe(`The account on ${HOST} is locked: This account has been locked. It works again once the server's administrators unlock it.`)
  })

  it('reads a UIA 401 into flows, session, params and completed stages', () => {
    const e = failure(
      endpoints.deleteDevice,
      answer(401, { flows: [{ stages: ['m.login.password'] }, { stages: ['m.login.sso'] }], session: 'S1', params: { 'm.login.terms': { policies: {} } }, completed: [] }),
    )
    expect(e.kind).toBe('uia')
    expect(e.uia).toEqual({ flows: [{ stages: ['m.login.password'] }, { stages: ['m.login.sso'] }], session: 'S1', params: { 'm.login.terms': { policies: {} } }, completed: [] })
  })

  it('reads 404 M_UNRECOGNIZED as unsupported, with the endpoint’s own sentence', () => {
    const e = failure(endpoints.deleteDevice, answer(404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' }))
    expect(e.kind).toBe('unsupported')
    expect(e.message).toBe(`${HOST} does not let apps sign devices out; use its account page instead.`)
  })

  it('says a 502 error page from a proxy is the server’s trouble, with the status', () => {
    const e = failure(endpoints.devices, { status: 502, statusText: 'Bad Gateway', headers: { 'content-type': 'text/html' }, body: Buffer.from('<html>502</html>') })
    expect(e).toMatchObject({ kind: 'http', status: 502 })
    expect(e.message).toBe(`${HOST} failed to handle the device list request with an error page (HTTP 502 Bad Gateway); the server or a proxy in front of it is having trouble. Try again later.`)
  })

  it('quotes the server’s own explanation of a refusal', () => {
    const e = failure(endpoints.updateDevice, answer(400, { errcode: 'M_BAD_JSON', error: 'display_name too long.' }))
    expect(e.message).toBe(`${HOST} refused the device rename: display_name too long (M_BAD_JSON).`)
  })

  it('scrubs secrets the server echoes back', () => {
    const e = failure(endpoints.refresh, answer(400, { errcode: 'M_UNKNOWN', error: 'bad token syt_secret_value' }), ['syt_secret_value'])
    expect(e.message).not.toContain('syt_secret_value')
    expect(e.error).not.toContain('syt_secret_value')
    expect(e.error).toContain('[redacted]')
  })

  it('accepts a thumbnail only as image bytes', () => {
    const ok = readResponse(endpoints.thumbnail, { status: 200, headers: { 'content-type': 'image/png' }, body: Buffer.from([137, 80, 78, 71]) }, { host: HOST })
    expect(ok.contentType).toBe('image/png')
    expect(ok.bytes.byteLength).toBe(4)
    expect(failure(endpoints.thumbnail, { status: 200, headers: { 'content-type': 'text/html' }, body: Buffer.from('<html>') }).kind).toBe('malformed')
  })
})
