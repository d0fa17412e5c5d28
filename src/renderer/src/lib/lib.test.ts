import jsQR from 'jsqr'
import { describe, expect, it } from 'vitest'
import { makeDevices } from '../fake-bridge.test-kit'
import { filterDevices, isInactive, sortOthers } from './devices'
import { splitMatrixId, toIdentifier } from './identifier'
import { qrPath } from './qr'
import { countdown, duration, relativeTime, waitLabel } from './time'

const DAY = 24 * 3600_000

describe('times as people read them', () => {
  it('says how long ago a device was seen in words', () => {
    const now = Date.UTC(2026, 10, 23)
    expect(relativeTime(now - 30_000, now)).toBe('just now')
    expect(relativeTime(now - 5 * 60_000, now)).toBe('5 minutes ago')
    expect(relativeTime(now - 3 * DAY, now)).toBe('3 days ago')
    expect(relativeTime(now - DAY, now)).toBe('yesterday')
  })

  it('counts down in minutes and seconds and never below zero', () => {
    expect(countdown(114_000)).toBe('1:54')
    expect(countdown(3_723_000)).toBe('1:02:03')
    expect(countdown(-5)).toBe('0:00')
  })

  it('names a wait in seconds, then in minutes', () => {
    expect(duration(1)).toBe('a moment')
    expect(duration(12_000)).toBe('12 seconds')
    expect(duration(5 * 60_000)).toBe('about 5 minutes')
  })

  it('caps a wait a server asks for at a day, and says long waits in words on buttons', () => {
    expect(duration(1e15)).toBe('more than a day')
    expect(duration(3 * 3_600_000)).toBe('about 3 hours')
    expect(waitLabel(114_000)).toBe('1:54')
    expect(waitLabel(7 * 86_400_000)).toBe('more than a day')
  })
})

describe('device lists', () => {
  const now = Date.now()
  const devices = makeDevices(500, now)

  it('leaves this device out and puts the most recently seen first', () => {
    const others = sortOthers(devices)
    expect(others).toHaveLength(499)
    expect(others.some((d) => d.current)).toBe(false)
    for (let i = 1; i < others.length; i++) {
      expect(others[i - 1]!.lastSeenTs!).toBeGreaterThanOrEqual(others[i]!.lastSeenTs!)
    }
  })

  it('marks a device inactive after 90 days without being seen', () => {
    expect(isInactive({ deviceId: 'A', current: false, lastSeenTs: now - 91 * DAY }, now)).toBe(true)
    expect(isInactive({ deviceId: 'A', current: false, lastSeenTs: now - 89 * DAY }, now)).toBe(false)
    expect(isInactive({ deviceId: 'A', current: false }, now)).toBe(false)
  })

  it('finds devices by name, id or IP address, ignoring case', () => {
    expect(filterDevices(devices, 'phone 42', 'all', now).map((d) => d.displayName)).toContain('Phone 42')
    expect(filterDevices(devices, 'd000007', 'all', now).map((d) => d.deviceId)).toEqual(['D000007'])
    expect(filterDevices(devices, '192.168.1.5', 'all', now).map((d) => d.deviceId)).toContain('D000261')
  })

  it('shows only inactive or only recent devices when asked', () => {
    const inactive = filterDevices(devices, '', 'inactive', now)
    const active = filterDevices(devices, '', 'active', now)
    expect(inactive.length + active.length).toBe(devices.length)
    expect(inactive.every((d) => isInactive(d, now))).toBe(true)
    expect(active.some((d) => isInactive(d, now))).toBe(false)
  })
})

describe('what a person types as a username', () => {
  it('is an email address when it looks like one, else a Matrix user', () => {
    expect(toIdentifier(' alice@example.org ')).toEqual({ kind: 'email', address: 'alice@example.org' })
    expect(toIdentifier('@alice:example.org')).toEqual({ kind: 'user', user: '@alice:example.org' })
    expect(toIdentifier('alice')).toEqual({ kind: 'user', user: 'alice' })
  })
})

describe('the QR code drawn as one SVG path', () => {
  it('decodes back to the login-token payload', () => {
    const payload = 'latchkey://login?hs=http%3A%2F%2F127.0.0.1%3A8448&token=syl_abcdefghijklmnop&user=%40alice%3Alocalhost'
    const { size, d } = qrPath(payload)
    const scale = 4
    const side = size * scale
    const pixels = new Uint8ClampedArray(side * side * 4).fill(255)
    for (const [, x, y, run] of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < Number(run) * scale; dx++) {
          const at = ((Number(y) * scale + dy) * side + Number(x) * scale + dx) * 4
          pixels.fill(0, at, at + 3)
        }
      }
    }
    expect(jsQR(pixels, side, side)?.data).toBe(payload)
  })
})

describe('a full Matrix ID typed as a server or a username', () => {
  it('splits into the username and the server', () => {
    expect(splitMatrixId(' @alice:example.org ')).toEqual({ localpart: 'alice', server: 'example.org' })
    expect(splitMatrixId('@bob:127.0.0.1:8448')).toEqual({ localpart: 'bob', server: '127.0.0.1:8448' })
  })

  it('leaves a plain username, an email address or a URL alone', () => {
    expect(splitMatrixId('alice')).toBeNull()
    expect(splitMatrixId('alice@example.org')).toBeNull()
    expect(splitMatrixId('https://matrix.example.org')).toBeNull()
    expect(splitMatrixId('@alice')).toBeNull()
  })
})
