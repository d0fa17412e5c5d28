import { describe, expect, it } from 'vitest'
import { ContractError } from '../../shared/errors'
import { encodeLoginPayload, parseLoginPayload } from './login-payload'

const payload = (over: Partial<{ homeserverUrl: string; token: string; userId: string }> = {}) =>
  encodeLoginPayload({ homeserverUrl: 'https://matrix.example.org', token: 'syl_abc/+=&?', userId: '@alice:example.org', ...over })

function refusal(fn: () => unknown): ContractError {
  try {
    fn()
  } catch (error) {
    if (error instanceof ContractError) return error
    throw error
  }
  throw new Error('expected a refusal')
}

describe('the login-token payload', () => {
  it('round-trips the server, the token and the user id, even with characters URLs treat specially', () => {
    expect(parseLoginPayload(payload())).toEqual({
      server: 'https://matrix.example.org',
      token: 'syl_abc/+=&?',
      userId: '@alice:example.org',
    })
  })

  it('starts with latchkey://login? so a QR reader hands it to Latchkey', () => {
    expect(payload()).toMatch(/^latchkey:\/\/login\?hs=/)
  })

  it('accepts a bare token together with a server', () => {
    expect(parseLoginPayload('  tok123 ', 'example.org')).toEqual({ token: 'tok123', server: 'example.org' })
  })

  it('refuses a bare token without a server, in a sentence that does not repeat the token', () => {
    const error = refusal(() => parseLoginPayload('secret-token-value'))
    expect(error.code).toBe('invalid-argument')
    expect(error.message).not.toContain('secret-token-value')
  })

  it.each([
    ['a payload without a token', 'latchkey://login?hs=https%3A%2F%2Fexample.org&user=%40a%3Ab'],
    ['a payload without a server', 'latchkey://login?token=t0k3n&user=%40a%3Ab'],
    ['a server that is not http(s)', 'latchkey://login?hs=file%3A%2F%2F%2Fetc&token=t0k3n'],
    ['a server with credentials in it', 'latchkey://login?hs=https%3A%2F%2Fu%3Ap%40example.org&token=t0k3n'],
    ['another latchkey address', 'latchkey://other?hs=https%3A%2F%2Fexample.org&token=t0k3n'],
    ['a malformed user id', 'latchkey://login?hs=https%3A%2F%2Fexample.org&token=t0k3n&user=alice'],
  ])('refuses %s without quoting the token', (_name, text) => {
    const error = refusal(() => parseLoginPayload(text))
    expect(error.code).toBe('invalid-argument')
    expect(error.message).not.toContain('t0k3n')
  })
})
