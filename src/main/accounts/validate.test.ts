import { describe, expect, it } from 'vitest'
import { emptySnapshot, type AccountRecord } from './schema'
import { checkSnapshot, describeAccountProblems, describeIssues } from './validate'

let sequence = 0

/** A valid stored account; each call a new id, user and device. */
function record(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence++
  return {
    id: `acc_${sequence.toString(16).padStart(16, '0')}`,
    userId: `@user${sequence}:example.org`,
    homeserverUrl: 'https://matrix.example.org',
    serverName: 'example.org',
    deviceId: `DEVICE${sequence}`,
    authApi: 'legacy',
    order: 0,
    addedAt: '2026-01-02T03:04:05.000Z',
    status: 'active',
    ...overrides,
  }
}

function file(accounts: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...emptySnapshot(), accounts, ...extra }
}

function checked(value: unknown) {
  const result = checkSnapshot(value)
  if (!result.ok) throw new Error(`expected a usable file, got ${describeIssues(result.issues)}`)
  return result
}

describe('the accounts.json validator', () => {
  it('accepts every field of version 2 and answers them unchanged', () => {
    const full = record({
      displayName: 'Alice',
      avatarUrl: 'mxc://example.org/abc',
      label: 'Work',
      color: '#336699',
      lastCheckedAt: '2026-01-03T00:00:00+01:00',
      statusMessage: 'fine',
      signInMethod: 'oauth',
      serverTrust: 'confirmed',
      oauth: { issuer: 'https://auth.example.org/' },
      accountManagement: { url: 'https://auth.example.org/account', actions: ['org.matrix.profile'] },
      knownDevices: { ABC: { firstSeenAt: '2026-01-02T03:04:05.000Z', new: true, reported: true } },
      masterKey: { key: 'base64key', firstSeenAt: '2026-01-02T03:04:05.000Z', changedFrom: 'old', changedAt: '2026-01-02T03:04:06.000Z' },
      clientInfoPublished: true,
    })
    const value = file([full], {
      activeId: full.id,
      oauthClients: { 'https://auth.example.org/': { clientId: 'client-1', registeredAt: '2026-01-02T03:04:05.000Z' } },
      servers: { 'https://matrix.example.org': { versions: ['v1.11'], unstableFeatures: { 'org.matrix.msc3882': true }, fetchedAt: '2026-01-02T03:04:05.000Z' } },
    })
    const result = checked(value)
    expect(result.issues).toEqual([])
    expect(result.snapshot).toEqual(value)
  })

  it('drops keys it does not know, at every level', () => {
    const result = checked(file([record({ token: 'syt_secret', oauth: { issuer: 'https://a.example/', extra: 1 } })], { note: 'x' }))
    expect(result.issues).toEqual([])
    expect(result.snapshot).not.toHaveProperty('note')
    expect(result.snapshot.accounts[0]).not.toHaveProperty('token')
    expect(result.snapshot.accounts[0]!.oauth).toEqual({ issuer: 'https://a.example/' })
  })

  it('sets aside only the account with a 65-character label, and names it and the field', () => {
    const good = record()
    const bad = record({ userId: '@bob:example.org', label: 'x'.repeat(65) })
    const result = checked(file([good, bad], { activeId: good.id }))
    expect(result.snapshot.accounts.map((a) => a.id)).toEqual([good.id])
    expect(result.snapshot.activeId).toBe(good.id)
    expect(result.rejected).toHaveLength(1)
    expect(result.rejected[0]).toMatchObject({ index: 1, name: '@bob:example.org', value: bad })
    expect(describeIssues(result.issues)).toBe('accounts.1.label: is longer than 64 characters')
    expect(describeAccountProblems(result.rejected[0]!)).toBe('its label is longer than 64 characters')
  })

  it.each([
    ['a number where text belongs', { label: 42 }, 'accounts.0.label: is not text'],
    ['text where a number belongs', { order: '0' }, 'accounts.0.order: is not a whole number of 0 or more'],
    ['a negative order', { order: -1 }, 'accounts.0.order: is not a whole number of 0 or more'],
    ['an unknown status', { status: 'happy' }, 'accounts.0.status: is not one of active, soft-logged-out, logged-out, locked, unreachable, pending-logout'],
    ['a user id without a server', { userId: 'alice' }, 'accounts.0.userId: a Matrix user id looks like @name:server'],
    ['a javascript: address', { homeserverUrl: 'javascript:alert(1)' }, 'accounts.0.homeserverUrl: is not an http or https address'],
    ['a colour that is CSS', { color: 'red; background: url(x)' }, 'accounts.0.color: is longer than 7 characters'],
    ['a time that is no time', { addedAt: 'yesterday' }, 'accounts.0.addedAt: is not a date and time (ISO 8601)'],
    ['an object where text belongs', { deviceId: { toString: 'x' } }, 'accounts.0.deviceId: is not text'],
    ['null for a required field', { serverName: null }, 'accounts.0.serverName: is not text'],
    ['a missing field', { authApi: undefined }, 'accounts.0.authApi: is missing'],
    ['a list of devices instead of a map', { knownDevices: [] }, 'accounts.0.knownDevices: is not an object'],
    ['a device marked new with "yes"', { knownDevices: { A: { firstSeenAt: '2026-01-02T03:04:05Z', new: 'yes' } } }, 'accounts.0.knownDevices.A.new: is not true'],
    ['an unknown sign-in method', { signInMethod: 'magic' }, 'accounts.0.signInMethod: is not one of password, sso, oauth, login-token'],
    ['an unknown server trust', { serverTrust: 'trust me' }, 'accounts.0.serverTrust: is not one of well-known, server-name, loopback, confirmed'],
    ['account-management actions that are not a list', { accountManagement: { url: 'https://a.example/', actions: 'all' } }, 'accounts.0.accountManagement.actions: is not a list'],
  ])('refuses %s, in that account only', (_what, overrides, message) => {
    const result = checked(file([record(overrides)]))
    expect(result.snapshot.accounts).toEqual([])
    expect(describeIssues(result.issues)).toBe(message)
  })

  it('names where each problem is, at every depth: a field, a device of a map, a list entry, a map key, a top-level map', () => {
    const result = checked(
      file(
        [
          record(),
          record({
            order: -1,
            knownDevices: { GOOD: { firstSeenAt: '2026-01-02T03:04:05.000Z' }, BAD: { firstSeenAt: 'yesterday' }, ['x'.repeat(256)]: { firstSeenAt: '2026-01-02T03:04:05.000Z' } },
            accountManagement: { url: 'https://account.example.org', actions: ['org.matrix.profile', 7] },
          }),
        ],
        { servers: { 'https://matrix.example.org': { versions: ['v1.1'], unstableFeatures: { a: 'yes' }, fetchedAt: '2026-01-02T03:04:05.000Z' } } },
      ),
    )
    expect(result.issues.map((issue) => issue.path)).toEqual([
      ['accounts', 1, 'order'],
      ['accounts', 1, 'accountManagement', 'actions', 1],
      ['accounts', 1, 'knownDevices', 'BAD', 'firstSeenAt'],
      ['accounts', 1, 'knownDevices', 'x'.repeat(64)],
      ['servers', 'https://matrix.example.org', 'unstableFeatures', 'a'],
    ])
  })

  it('refuses huge strings by their length, without echoing them', () => {
    const huge = 'a'.repeat(5_000_000)
    const started = performance.now()
    const account = record({ userId: `@${huge}:example.org`, label: huge, statusMessage: huge, homeserverUrl: `https://${huge}` })
    const result = checked(file([account, record({ id: huge, userId: huge })]))
    expect(performance.now() - started).toBeLessThan(500)
    const described = describeIssues(result.issues)
    expect(described).toContain('accounts.0.userId: is longer than 255 characters')
    expect(described).toContain('accounts.0.label: is longer than 64 characters')
    expect(described.length).toBeLessThan(1000)
    expect(result.rejected.map((r) => r.name)).toEqual([account.id, 'account 2'])
  })

  it('never lets a __proto__, constructor or prototype key reach an object’s prototype', () => {
    const text = JSON.stringify(file([record()]))
      .replace('"version":', '"__proto__": {"polluted": true}, "version":')
      .replace('"status":"active"', '"status":"active", "__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}')
    const result = checked(JSON.parse(text))
    expect(result.issues).toEqual([])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(result.snapshot)).toBe(Object.prototype)
    expect(Object.getPrototypeOf(result.snapshot.accounts[0])).toBe(Object.prototype)
    expect(Object.keys(result.snapshot.accounts[0]!)).not.toContain('__proto__')
    expect(JSON.stringify(result.snapshot)).not.toContain('polluted')
  })

  it('keeps __proto__ and constructor as ordinary keys of a map, never as a prototype', () => {
    const devices = JSON.parse('{"__proto__": {"firstSeenAt": "2026-01-02T03:04:05Z", "new": true}, "constructor": {"firstSeenAt": "2026-01-02T03:04:05Z"}}') as unknown
    const servers = JSON.parse(
      '{"__proto__": {"versions": ["v1.1"], "unstableFeatures": {"__proto__": true}, "fetchedAt": "2026-01-02T03:04:05Z"}}',
    ) as unknown
    const result = checked(file([record({ knownDevices: devices })], { servers }))
    expect(result.issues).toEqual([])
    const known = result.snapshot.accounts[0]!.knownDevices!
    expect(Object.keys(known)).toEqual(['__proto__', 'constructor'])
    expect(Object.getPrototypeOf(known)).toBe(Object.prototype)
    expect(Object.getPrototypeOf(result.snapshot.servers)).toBe(Object.prototype)
    expect(Object.keys(result.snapshot.servers)).toEqual(['__proto__'])
    expect(JSON.parse(JSON.stringify(result.snapshot))).toEqual(JSON.parse(JSON.stringify(file(result.snapshot.accounts, { servers }))))
    expect(({} as Record<string, unknown>).firstSeenAt).toBeUndefined()
  })

  it('refuses a map key that is empty or too long, setting aside that entry or account only', () => {
    const good = record()
    const servers = { '': { versions: [], unstableFeatures: {}, fetchedAt: '2026-01-02T03:04:05Z' }, 'https://ok.example': { versions: ['v1.1'], unstableFeatures: {}, fetchedAt: '2026-01-02T03:04:05Z' } }
    const result = checked(file([good, record({ knownDevices: { ['D'.repeat(256)]: { firstSeenAt: '2026-01-02T03:04:05Z' } } })], { servers }))
    expect(result.snapshot.accounts.map((a) => a.id)).toEqual([good.id])
    expect(Object.keys(result.snapshot.servers)).toEqual(['https://ok.example'])
    expect(result.dropped).toMatchObject([{ map: 'servers', key: '' }])
    expect(describeIssues(result.issues)).toContain(`accounts.1.knownDevices.${'D'.repeat(64)}: is not allowed as a key`)
  })

  it('keeps the first of two accounts with the same id, or the same user on the same device', () => {
    const first = record()
    const sameId = record({ id: first.id })
    const sameSession = record({ userId: first.userId, deviceId: first.deviceId })
    const result = checked(file([first, sameId, sameSession]))
    expect(result.snapshot.accounts).toEqual([first])
    expect(result.issues.map((i) => i.message)).toEqual([
      `the id ${String(first.id)} appears twice`,
      `${String(first.userId)} on device ${String(first.deviceId)} appears twice`,
    ])
  })

  it('moves the active role to the first account when the active one was set aside or never existed', () => {
    const good = record()
    const bad = record({ status: 'nope' })
    expect(checked(file([good, bad], { activeId: bad.id })).snapshot.activeId).toBe(good.id)
    const dangling = checked(file([good], { activeId: 'acc_ffffffffffffffff' }))
    expect(dangling.snapshot.activeId).toBe(good.id)
    expect(describeIssues(dangling.issues)).toBe('activeId: the active account is not in the list')
    expect(checked(file([], { activeId: 7 })).snapshot.activeId).toBeNull()
  })

  it('reads a missing map as empty, and drops a map that is not one', () => {
    const { oauthClients: _o, servers: _s, ...bare } = file([])
    expect(checked(bare)).toMatchObject({ issues: [], snapshot: emptySnapshot() })
    const wrong = checked(file([], { oauthClients: 'none' }))
    expect(wrong.snapshot.oauthClients).toEqual({})
    expect(wrong.dropped).toMatchObject([{ map: 'oauthClients', value: 'none' }])
  })

  it('calls a file without a list of accounts, or of another version, not an account list at all', () => {
    expect(checkSnapshot(null)).toMatchObject({ ok: false })
    expect(checkSnapshot([])).toMatchObject({ ok: false })
    expect(checkSnapshot({ version: 2, activeId: null, accounts: 'all' })).toMatchObject({ ok: false, issues: [{ path: ['accounts'] }] })
    expect(checkSnapshot({ version: '2', activeId: null, accounts: [] })).toMatchObject({ ok: false, issues: [{ path: ['version'] }] })
  })

  it('rebuilds what it answers, so changing the answer never changes the input', () => {
    const input = file([record({ accountManagement: { url: 'https://a.example/', actions: ['x'] } })])
    const result = checked(input)
    const account = result.snapshot.accounts[0] as AccountRecord
    account.accountManagement!.actions.push('y')
    expect((input.accounts as Array<{ accountManagement: { actions: string[] } }>)[0]!.accountManagement.actions).toEqual(['x'])
  })
})
