/**
 * Every call that talks to the server, against every fault the test homeserver can produce: the
 * call fails with a ContractError whose message is a sentence, no event is emitted, and the account
 * state (accounts.json and the secret store) is exactly what it was before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Fault } from '../../../test/homeserver'
import { failure } from '../../../test/service/expect'
import { issuedTokens, PASSWORDS, startHarness, type Harness } from '../../../test/service/harness'
import type { Account } from '../../shared/contract'

const FAULTS: Fault[] = [
  { kind: 'status', status: 500 },
  { kind: 'status', status: 502 },
  { kind: 'status', status: 503 },
  { kind: 'html' },
  { kind: 'malformed-json' },
  { kind: 'truncated' },
  { kind: 'reset' },
  { kind: 'hang' },
]

interface World {
  h: Harness
  alice: Account
  bob: Account
  otherDevice: string
}

const CALLS: Array<[string, (w: World) => Promise<unknown>]> = [
  ['discover', (w) => w.h.service.discover({ server: w.h.hs.url })],
  ['addWithPassword', (w) => w.h.addAlice()],
  ['addWithLoginToken', (w) => w.h.service.addWithLoginToken({ payload: 'sometoken', server: w.h.hs.url })],
  ['beginSso', (w) => w.h.service.beginSso({ server: w.h.hs.url })],
  ['reLogin', (w) => w.h.service.reLogin({ accountId: w.alice.id, password: PASSWORDS.alice })],
  ['avatar', (w) => w.h.service.avatar({ accountId: w.bob.id })],
  ['listDevices', (w) => w.h.service.listDevices({ accountId: w.alice.id })],
  ['renameDevice', (w) => w.h.service.renameDevice({ accountId: w.alice.id, deviceId: w.alice.deviceId, displayName: 'x' })],
  [
    'signOutDevices',
    (w) => w.h.service.signOutDevices({ accountId: w.alice.id, deviceIds: [w.otherDevice], auth: { type: 'password', password: PASSWORDS.alice } }),
  ],
  ['logoutAll', (w) => w.h.service.logoutAll({ accountId: w.alice.id })],
  ['generateLoginToken', (w) => w.h.service.generateLoginToken({ accountId: w.alice.id, auth: { type: 'password', password: PASSWORDS.alice } })],
]

describe.each(FAULTS.map((f) => ['status' in f ? `${f.kind} ${f.status}` : f.kind, f] as const))('with the server answering %s', (_label, fault) => {
  let w: World
  beforeAll(async () => {
    const h = await startHarness({ service: { matrix: { totalTimeoutMs: 400, connectTimeoutMs: 300, maxRateLimitWaitMs: 100 } } })
    const alice = await h.addAlice()
    const bob = await h.service.addWithLoginToken({ payload: h.hs.mintLoginToken('bob'), server: h.hs.url })
    h.hs.addDevices('alice', 1)
    const otherDevice = h.hs.devicesOf('alice').find((d) => d.deviceId !== alice.deviceId)!.deviceId
    w = { h, alice, bob, otherDevice }
  })
  afterAll(async () => w.h.close())

  it.each(CALLS)('%s fails with a sentence and changes nothing', async (_name, call) => {
    const before = await w.h.state()
    const devicesBefore = w.h.hs.devicesOf('alice')
    const eventsBefore = w.h.events.length
    w.h.hs.setFault('*', fault)
    let error
    try {
      error = await failure(call(w))
    } finally {
      w.h.hs.setFault('*', null)
    }
    expect(['unreachable', 'bad-response', 'server-error']).toContain(error.code)
    expect(error.message).toMatch(/^[A-Z0-9].*[.)]$/s)
    for (const token of issuedTokens(w.h.hs).sessionTokens) expect(error.message).not.toContain(token)
    expect(error.message).not.toContain(PASSWORDS.alice)
    expect(await w.h.state()).toEqual(before)
    expect(w.h.hs.devicesOf('alice')).toEqual(devicesBefore)
    expect(w.h.events.slice(eventsBefore).filter((e) => e.event !== 'progress')).toEqual([])
    expect(w.h.browser.opened).toEqual([])
  })

  it('logout keeps the account as pending-logout, and the next check with the server back ends it', async () => {
    const alice = await w.h.addAlice()
    w.h.hs.setFault('*', fault)
    try {
      expect((await w.h.service.logout({ accountId: alice.id })).outcome).toBe('pending-logout')
      const during = await w.h.service.checkAll(undefined)
      expect(during.accounts.find((a) => a.id === alice.id)?.status).toBe('pending-logout')
      expect(during.accounts.find((a) => a.id === w.alice.id)?.status).toBe('unreachable')
    } finally {
      w.h.hs.setFault('*', null)
    }
    const after = await w.h.service.checkAll(undefined)
    expect(after.accounts.map((a) => a.id)).not.toContain(alice.id)
    expect(after.accounts.find((a) => a.id === w.alice.id)?.status).toBe('active')
  })
})
