// Text a server chooses enters bounded and printable (issue 9 §5): user ids are refused when they
// could not be one, names and addresses are cleaned and cut, and error texts of any length make a
// sentence of a known size.
import { describe, expect, it } from 'vitest'
import { endpoints } from './endpoints/index'
import { MAX_SERVER_TEXT, MatrixError } from './errors'
import { readResponse, type RawResponse } from './response'

const HOST = 'matrix.example.org'
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/

const answer = (status: number, body: object, statusText?: string): RawResponse => ({
  status,
  ...(statusText === undefined ? {} : { statusText }),
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify(body)),
})

function read<R>(endpoint: Parameters<typeof readResponse<R>>[0], res: RawResponse): R | MatrixError {
  try {
    return readResponse(endpoint, res, { host: HOST })
  } catch (e) {
    if (e instanceof MatrixError) return e
    throw e
  }
}

describe('text a server chooses', () => {
  it('refuses a user id with control characters or over 255 bytes, as an answer Latchkey does not understand', () => {
    for (const userId of ['@alice\u001b[2J:example.org', `@${'a'.repeat(300)}:example.org`, '@bob\u202e:example.org']) {
      const e = read(endpoints.whoami, answer(200, { user_id: userId, device_id: 'ABC' }))
      expect(e).toBeInstanceOf(MatrixError)
      expect((e as MatrixError).kind).toBe('malformed')
      expect((e as MatrixError).message).not.toMatch(CONTROL)
    }
  })

  it('refuses a login answer whose device id could not be kept, and ignores a base URL too long to keep', () => {
    for (const device_id of ['D'.repeat(256), 'DEV\u001bICE']) {
      const e = read(endpoints.login, answer(200, { user_id: '@a:example.org', access_token: 'tok_secret', device_id }))
      expect((e as MatrixError).kind).toBe('malformed')
    }
    const long = read(
      endpoints.login,
      answer(200, {
        user_id: '@a:example.org',
        access_token: 'tok_secret',
        device_id: 'ABC',
        well_known: { 'm.homeserver': { base_url: `https://example.org/${'p'.repeat(3000)}` } },
      }),
    )
    expect(long).toMatchObject({ deviceId: 'ABC' })
    expect((long as { wellKnownBaseUrl?: string }).wellKnownBaseUrl).toBeUndefined()
  })

  it('ignores an avatar address too long to keep', () => {
    const profile = read(endpoints.profile, answer(200, { displayname: 'A\u0007lice', avatar_url: `mxc://example.org/${'a'.repeat(3000)}` }))
    expect(profile).toEqual({ displayName: 'A lice' })
  })

  it('cleans and bounds device names, addresses and user agents', () => {
    const devices = read(
      endpoints.devices,
      answer(200, {
        devices: [
          {
            device_id: 'ABC',
            display_name: `Phone\u001b]0;owned\u0007${'x'.repeat(10_000)}`,
            last_seen_ip: `10.0.0.1\r\n${'9'.repeat(1000)}`,
            last_seen_user_agent: `Agent\u009b31m${'y'.repeat(5000)}`,
          },
        ],
      }),
    )
    expect(Array.isArray(devices)).toBe(true)
    const [device] = devices as { displayName?: string; lastSeenIp?: string; lastSeenUserAgent?: string }[]
    expect(device?.displayName?.startsWith('Phone ]0;owned x')).toBe(true)
    expect(device?.displayName?.length).toBeLessThanOrEqual(255)
    expect(device?.lastSeenIp?.length).toBeLessThanOrEqual(100)
    expect(device?.lastSeenUserAgent?.length).toBeLessThanOrEqual(512)
    for (const text of [device?.displayName, device?.lastSeenIp, device?.lastSeenUserAgent]) expect(text).not.toMatch(CONTROL)
  })

  it('makes a sentence of a known size from an error text, errcode and reason phrase of any length', () => {
    const e = read(
      endpoints.whoami,
      answer(503, { errcode: `M_${'X'.repeat(10_000)}`, error: `down\u001b[2J ${'z'.repeat(1_000_000)}` }, 'S'.repeat(10_000)),
    ) as MatrixError
    expect(e).toBeInstanceOf(MatrixError)
    expect(e.error?.length).toBeLessThanOrEqual(MAX_SERVER_TEXT)
    expect(e.message.length).toBeLessThan(600)
    expect(e.message).not.toMatch(CONTROL)
    expect(e.message).toContain('down')
  })
})
