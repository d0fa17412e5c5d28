import { describe, expect, it } from 'vitest'
import { isLoopbackHost, plainHttpHost } from './loopback'

describe('loopback addresses', () => {
  it('are localhost, ::1, 127/8 and IPv4-mapped 127.x however the URL writes them', () => {
    for (const url of [
      'http://localhost:8008',
      'http://LOCALHOST.',
      'http://127.0.0.1',
      'http://127.8.9.10:8448',
      'http://127.1',
      'http://[::1]:8008',
      'http://[0:0:0:0:0:0:0:1]',
      'http://[::ffff:127.0.0.1]',
      'http://[::ffff:127.200.0.1]:80',
    ]) {
      expect({ url, loopback: isLoopbackHost(new URL(url).hostname) }).toEqual({ url, loopback: true })
    }
  })

  it('are nothing else', () => {
    for (const url of [
      'http://example.org',
      'http://128.0.0.1',
      'http://10.0.0.1',
      'http://[::2]',
      'http://[::ffff:10.0.0.1]',
      'http://[::ffff:7e00:1]',
      'http://localhost.example.org',
      'http://127.0.0.1.nip.io',
    ]) {
      expect({ url, loopback: isLoopbackHost(new URL(url).hostname) }).toEqual({ url, loopback: false })
    }
  })

  it('make plain http:// safe only on this machine', () => {
    expect(plainHttpHost('http://chat.example.org:8008/')).toBe('chat.example.org:8008')
    expect(plainHttpHost('http://[::ffff:127.0.0.1]:8008')).toBeUndefined()
    expect(plainHttpHost('https://chat.example.org')).toBeUndefined()
    expect(plainHttpHost('not a url')).toBeUndefined()
  })
})
