import { describe, expect, it } from 'vitest'
import { MatrixError } from './errors'
import { parseServerInput } from './server-input'

describe('what a person types to name a server', () => {
  it('reads a bare server name as https, asking the well-known file on the hostname', () => {
    expect(parseServerInput('  Example.org ')).toMatchObject({
      serverName: 'example.org',
      wellKnownOrigin: 'https://example.org',
      fallbackBaseUrl: 'https://example.org',
      fromUrl: false,
    })
  })

  it('keeps the port for the base URL but asks the well-known file on the hostname alone, as the spec says', () => {
    expect(parseServerInput('example.org:8448')).toMatchObject({
      serverName: 'example.org:8448',
      wellKnownOrigin: 'https://example.org',
      fallbackBaseUrl: 'https://example.org:8448',
    })
  })

  it('takes the server name from a user id', () => {
    expect(parseServerInput('@alice:matrix.org').serverName).toBe('matrix.org')
  })

  it('uses a URL as given, with its own scheme and origin', () => {
    expect(parseServerInput('http://127.0.0.1:1234/')).toMatchObject({
      serverName: '127.0.0.1:1234',
      wellKnownOrigin: 'http://127.0.0.1:1234',
      fallbackBaseUrl: 'http://127.0.0.1:1234',
      fromUrl: true,
    })
  })

  it('accepts IPv4 and IPv6 literals', () => {
    expect(parseServerInput('192.168.1.2:8008').fallbackBaseUrl).toBe('https://192.168.1.2:8008')
    expect(parseServerInput('[::1]:8448').wellKnownOrigin).toBe('https://[::1]')
  })

  it.each(['', 'not a server', 'ftp://example.org', 'https://user:pw@example.org', 'example.org:99999', '@alice', '300.1.1.1'])(
    'refuses %j with an invalid-input error that says what a server name looks like',
    (input) => {
      let error: unknown
      try {
        parseServerInput(input)
      } catch (e) {
        error = e
      }
      expect(error).toBeInstanceOf(MatrixError)
      expect((error as MatrixError).kind).toBe('invalid-input')
      expect((error as MatrixError).message).toMatch(/server|URL|address|user id|password/)
    },
  )
})
