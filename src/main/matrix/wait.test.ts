import { describe, expect, it } from 'vitest'
import { describeWait } from './wait'

describe('a wait the server asks for, in words', () => {
  it('says seconds under a minute and never "0 ms"', () => {
    expect(describeWait(0)).toBe('a moment')
    expect(describeWait(-5)).toBe('a moment')
    expect(describeWait(400)).toBe('a moment')
    expect(describeWait(1000)).toBe('a second')
    expect(describeWait(1500)).toBe('2 seconds')
    expect(describeWait(12_000)).toBe('12 seconds')
  })

  it('says "about" minutes and hours, rounded as a person would', () => {
    expect(describeWait(60_000)).toBe('about a minute')
    expect(describeWait(3 * 60_000 + 10_000)).toBe('about 3 minutes')
    expect(describeWait(59 * 60_000)).toBe('about 59 minutes')
    expect(describeWait(61 * 60_000)).toBe('about an hour')
    expect(describeWait(5 * 3_600_000)).toBe('about 5 hours')
  })

  it('caps what a hostile server can make it say at a day', () => {
    expect(describeWait(1e18)).toBe('more than a day')
    expect(describeWait(Number.POSITIVE_INFINITY)).toBe('more than a day')
    expect(describeWait(Number.NaN)).toBe('more than a day')
    expect(describeWait(24 * 3_600_000)).toBe('about 24 hours')
  })
})
