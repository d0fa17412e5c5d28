import { describe, expect, it } from 'vitest'
import { KnownServers } from './known-servers'
import type { ServerVersions } from './spec-versions'

const V16: ServerVersions = { versions: ['v1.6'], unstableFeatures: { 'org.matrix.msc3882': true } }
const V112: ServerVersions = { versions: ['v1.12'], unstableFeatures: {} }
const HOUR = 60 * 60_000

function clock() {
  const c = { t: 1_700_000_000_000, now: () => c.t }
  return c
}

describe('what Latchkey knows of each server', () => {
  it('answers versions learnt within a day and forgets them after', () => {
    const c = clock()
    const known = new KnownServers({ now: c.now })
    known.remember('https://a.example/', V16)
    expect(known.versions('https://a.example')).toEqual(V16)
    c.t += 23 * HOUR
    expect(known.versions('https://a.example')).toEqual(V16)
    c.t += 2 * HOUR
    expect(known.versions('https://a.example')).toBeNull()
    expect(known.fresh().size).toBe(0)
  })

  it('keeps the newer of two answers, whichever arrives last', () => {
    const c = clock()
    const known = new KnownServers({ now: c.now })
    known.remember('https://a.example', V112, c.t)
    known.remember('https://a.example', V16, c.t - HOUR)
    expect(known.versions('https://a.example')).toEqual(V112)
  })

  it('asks a server once however many sessions want its versions at the same time', async () => {
    const known = new KnownServers()
    let asked = 0
    const fetch = async () => {
      asked++
      await new Promise((r) => setTimeout(r, 10))
      return V16
    }
    const answers = await Promise.all(Array.from({ length: 10 }, () => known.learn('https://a.example', fetch)))
    expect(answers).toEqual(Array(10).fill(V16))
    expect(asked).toBe(1)
    await known.learn('https://a.example', fetch)
    expect(asked).toBe(1)
  })

  it('learns them again on M_UNRECOGNIZED, but not twice within a minute', async () => {
    const c = clock()
    const known = new KnownServers({ now: c.now })
    known.remember('https://a.example', V16)
    let asked = 0
    const fetch = async () => (asked++, V112)
    await known.relearn('https://a.example', fetch)
    expect(asked).toBe(0)
    c.t += 2 * 60_000
    await known.relearn('https://a.example', fetch)
    expect(asked).toBe(1)
    expect(known.versions('https://a.example')).toEqual(V112)
  })

  it('keeps what it knew when learning again fails', async () => {
    const c = clock()
    const known = new KnownServers({ now: c.now })
    known.remember('https://a.example', V16)
    c.t += 2 * 60_000
    await known.relearn('https://a.example', () => Promise.reject(new Error('offline')))
    expect(known.versions('https://a.example')).toEqual(V16)
  })
})
