import { describe, expect, it } from 'vitest'
import { rejection, useHomeserver } from '../../../test/matrix/kit'

// 429 / M_LIMIT_EXCEEDED: wait what the server asks (within bounds), retry a bounded number of
// times, then a clear error that carries the wait. Sleep is injected, so no test really waits.

function recordingSleep() {
  const waits: number[] = []
  return { waits, sleep: async (ms: number) => void waits.push(ms) }
}

describe('rate limits', () => {
  const kit = useHomeserver({ getLoginTokenRateLimitMs: 60_000 })

  it('waits retry_after_ms from the body and retries', async () => {
    const { waits, sleep } = recordingSleep()
    const client = await kit.signedIn('alice', 'wonderland', { transport: { sleep } })
    kit.hs.rateLimit('whoami', 2, 1500, 'body')
    expect((await client.whoami()).userId).toBe('@alice:localhost')
    expect(waits).toEqual([1500, 1500])
    expect(kit.hs.requests.filter((r) => r.endpoint === 'whoami')).toHaveLength(3)
  })

  it('waits Retry-After (in seconds) from the header', async () => {
    const { waits, sleep } = recordingSleep()
    const client = await kit.signedIn('alice', 'wonderland', { transport: { sleep } })
    kit.hs.rateLimit('devices', 1, 2500, 'header')
    await client.devices()
    expect(waits).toEqual([3000])
  })

  it('gives up after a bounded number of retries with a clear error carrying the wait', async () => {
    const { waits, sleep } = recordingSleep()
    const client = await kit.signedIn('alice', 'wonderland', { transport: { sleep, maxRateLimitRetries: 2 } })
    kit.hs.rateLimit('capabilities', 10, 1000, 'both')
    const e = await rejection(client.capabilities())
    expect(e).toMatchObject({ kind: 'rate-limited', status: 429, errcode: 'M_LIMIT_EXCEEDED', retryAfterMs: 1000, endpoint: 'capabilities' })
    expect(e.message).toBe(`${new URL(kit.hs.url).host} asks to wait a second before the capabilities request can be tried again.`)
    expect(waits).toEqual([1000, 1000])
    expect(kit.hs.requests.filter((r) => r.endpoint === 'capabilities')).toHaveLength(3)
  })

  it('does not wait a minute: a long wait is reported at once, so the UI can show it', async () => {
    const { waits, sleep } = recordingSleep()
    const client = await kit.signedIn('alice', 'wonderland', { transport: { sleep } })
    await client.getLoginToken({ password: 'wonderland' })
    const e = await rejection(client.getLoginToken({ password: 'wonderland' }))
    expect(e.kind).toBe('rate-limited')
    expect(e.retryAfterMs).toBeGreaterThan(55_000)
    expect(e.retryAfterMs).toBeLessThanOrEqual(60_000)
    expect(e.message).toMatch(/asks to wait (59 seconds|about a minute) before the login token request can be tried again\.$/)
    expect(waits).toEqual([])
  })

  it('says a hostile wait as a person would, capped: never "16666666667 minutes", never "0 ms"', async () => {
    const { sleep } = recordingSleep()
    const client = await kit.signedIn('alice', 'wonderland', { transport: { sleep, maxRateLimitRetries: 0 } })
    kit.hs.rateLimit('whoami', 1, 1e15, 'body')
    const huge = await rejection(client.whoami())
    expect(huge.message).toBe(`${new URL(kit.hs.url).host} asks to wait more than a day before the session check can be tried again.`)
    expect(huge.retryAfterMs).toBe(7 * 24 * 3_600_000)
    kit.hs.rateLimit('whoami', 1, 3 * 60_000 + 7_000, 'body')
    expect((await rejection(client.whoami())).message).toContain('asks to wait about 3 minutes before')
    kit.hs.rateLimit('whoami', 1, 0, 'body')
    expect((await rejection(client.whoami())).message).toContain('asks to wait a moment before')
  })

  it('does not wait past the call’s total timeout', async () => {
    const { waits, sleep } = recordingSleep()
    const client = await kit.signedIn('alice', 'wonderland', { transport: { sleep, timeoutMs: 1000 } })
    kit.hs.rateLimit('whoami', 1, 5000, 'body')
    expect((await rejection(client.whoami())).kind).toBe('rate-limited')
    expect(waits).toEqual([])
  })

  it('really waits with the default sleep', async () => {
    const client = await kit.signedIn()
    kit.hs.rateLimit('whoami', 1, 50, 'body')
    const started = performance.now()
    await client.whoami()
    expect(performance.now() - started).toBeGreaterThanOrEqual(45)
  })

  it('stops waiting when the caller cancels', async () => {
    const client = await kit.signedIn()
    kit.hs.rateLimit('whoami', 1, 5000, 'body')
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 50)
    const e = await rejection(client.whoami({ signal: controller.signal, timeoutMs: 10_000 }))
    expect(e.kind).toBe('cancelled')
  })
})
