import { describe, expect, it } from 'vitest'
import { forEachBounded } from './limit'

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 2))

describe('forEachBounded', () => {
  it('never runs more than the bound for one host, while different hosts run side by side', async () => {
    const items = [...Array.from({ length: 12 }, (_, i) => ({ host: 'a', i })), ...Array.from({ length: 5 }, (_, i) => ({ host: 'b', i }))]
    const inFlight = new Map<string, number>()
    const peak = new Map<string, number>()
    let overall = 0
    let overallPeak = 0
    await forEachBounded(items, (x) => x.host, 3, async (x) => {
      inFlight.set(x.host, (inFlight.get(x.host) ?? 0) + 1)
      overall++
      peak.set(x.host, Math.max(peak.get(x.host) ?? 0, inFlight.get(x.host)!))
      overallPeak = Math.max(overallPeak, overall)
      await tick()
      inFlight.set(x.host, inFlight.get(x.host)! - 1)
      overall--
    })
    expect(peak.get('a')).toBe(3)
    expect(peak.get('b')).toBe(3)
    expect(overallPeak).toBe(6)
  })

  it('keeps to a bound on the total across hosts, and starts the next item as soon as one ends', async () => {
    const items = Array.from({ length: 40 }, (_, i) => ({ host: `h${i % 8}`, i }))
    let overall = 0
    let overallPeak = 0
    const started: number[] = []
    await forEachBounded(items, (x) => x.host, { perKey: 10, total: 12 }, async (x) => {
      started.push(x.i)
      overallPeak = Math.max(overallPeak, ++overall)
      await tick()
      overall--
    })
    expect(overallPeak).toBe(12)
    expect(started).toEqual(items.map((x) => x.i))
  })

  it('sends ten items for one host in one wave when the bounds allow', async () => {
    const items = Array.from({ length: 10 }, (_, i) => i)
    let overall = 0
    let peak = 0
    await forEachBounded(items, () => 'one-host', { perKey: 16, total: 128 }, async () => {
      peak = Math.max(peak, ++overall)
      await tick()
      overall--
    })
    expect(peak).toBe(10)
  })

  it('visits every item exactly once', async () => {
    const seen: number[] = []
    await forEachBounded(Array.from({ length: 20 }, (_, i) => i), (i) => String(i % 3), 2, async (i) => {
      await tick()
      seen.push(i)
    })
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i))
  })

  it("starts each task in a turn of its own, so what one task left for the next tick (a request's write) happens before the next task starts", async () => {
    const log: string[] = []
    await forEachBounded([0, 1, 2], () => 'one-host', 10, async (i) => {
      log.push(`start ${i}`)
      process.nextTick(() => log.push(`tick ${i}`))
      await tick()
    })
    expect(log).toEqual(['start 0', 'tick 0', 'start 1', 'tick 1', 'start 2', 'tick 2'])
  })

  it('rejects with the first failure, a task that throws at once included', async () => {
    const failing = forEachBounded([0, 1], () => 'h', 2, (i) => {
      if (i === 1) throw new Error('at once')
      return tick()
    })
    await expect(failing).rejects.toThrow('at once')
  })
})
