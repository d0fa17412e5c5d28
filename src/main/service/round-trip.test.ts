/**
 * Issue 13 §1: a check of every account costs about one round trip — every account at once within
 * the bounds, one request each, each server's versions kept in accounts.json for a day, each
 * secret read from the keychain once per process.
 */
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { PASSWORDS, startHarness, type Harness } from '../../../test/service/harness'
import { MemorySecretStore, type StoredSecret } from '../accounts'
import { createSessionService, type SessionService } from './index'

/** The keychain both "processes" share, counting what they ask of it. */
class CountingStore extends MemorySecretStore {
  gets = 0
  sets = 0
  override async get(key: string): Promise<StoredSecret | null> {
    this.gets++
    return super.get(key)
  }
  override async set(key: string, secret: StoredSecret): Promise<void> {
    this.sets++
    return super.set(key, secret)
  }
}

let h: Harness
const others: SessionService[] = []
afterEach(async () => {
  for (const s of others.splice(0)) await s.close()
  await h?.close()
})

/** Another process on the same data folder and keychain. */
async function anotherProcess(): Promise<SessionService> {
  const service = await createSessionService({ dataDir: h.dir, secrets: h.secrets, watchAccounts: false, matrix: { totalTimeoutMs: 3000, connectTimeoutMs: 1000 } })
  others.push(service)
  return service
}

async function keptServers(): Promise<Record<string, { versions: string[]; fetchedAt: string }>> {
  return (JSON.parse(await readFile(path.join(h.dir, 'accounts.json'), 'utf8')) as { servers: Record<string, { versions: string[]; fetchedAt: string }> }).servers
}

async function editServers(edit: (servers: Record<string, { fetchedAt: string }>) => void): Promise<void> {
  const file = path.join(h.dir, 'accounts.json')
  const json = JSON.parse(await readFile(file, 'utf8')) as { servers: Record<string, { fetchedAt: string }> }
  edit(json.servers)
  await writeFile(file, JSON.stringify(json))
}

const versionRequests = () => h.hs.requests.filter((r) => r.endpoint === 'versions').length

describe('checkAll in about one round trip', () => {
  it('checks ten accounts on one server in one wave', async () => {
    h = await startHarness()
    for (let i = 0; i < 10; i++) await h.addAlice()
    h.hs.setFault('*', { kind: 'latency', ms: 150 })
    h.hs.resetPeakLoad()
    const snapshot = await h.service.checkAll(undefined)
    expect(snapshot.accounts.map((a) => a.status)).toEqual(Array(10).fill('active'))
    expect(h.hs.load.peak).toBe(10)
  })

  it('keeps to the bound on checks in flight in all', async () => {
    h = await startHarness({ service: { tuning: { checksInFlight: 3 } } })
    for (let i = 0; i < 6; i++) await h.addAlice()
    h.hs.setFault('*', { kind: 'latency', ms: 60 })
    h.hs.resetPeakLoad()
    await h.service.checkAll(undefined)
    expect(h.hs.load.peak).toBe(3)
  })

  it('learns a server’s versions once for all its accounts and keeps them, so the next process asks none', async () => {
    h = await startHarness()
    for (let i = 0; i < 3; i++) await h.addAlice()
    await editServers((servers) => {
      for (const key of Object.keys(servers)) delete servers[key]
    })
    h.hs.clearRequests()
    await (await anotherProcess()).checkAll(undefined)
    expect(versionRequests()).toBe(1)
    expect(Object.keys(await keptServers())).toEqual([h.hs.url])
    h.hs.clearRequests()
    const third = await anotherProcess()
    expect((await third.checkAll(undefined)).accounts.map((a) => a.status)).toEqual(['active', 'active', 'active'])
    // One request per account, and nothing else.
    expect(h.hs.requests).toHaveLength(3)
    expect(new Set(h.hs.requests.map((r) => r.headers.authorization)).size).toBe(3)
    expect(versionRequests()).toBe(0)
  })

  it('learns the versions again once the kept answer is a day old', async () => {
    h = await startHarness()
    await h.addAlice()
    const dayOld = new Date(Date.now() - 24 * 60 * 60_000 - 1000).toISOString()
    await editServers((servers) => {
      for (const entry of Object.values(servers)) entry.fetchedAt = dayOld
    })
    h.hs.clearRequests()
    await (await anotherProcess()).checkAll(undefined)
    expect(versionRequests()).toBe(1)
    expect(Date.parse((await keptServers())[h.hs.url]!.fetchedAt)).toBeGreaterThan(Date.now() - 60_000)
  })

  it('notices a server that changed at the next sign-in: the kept versions are replaced', async () => {
    h = await startHarness()
    await h.addAlice()
    const hourOld = new Date(Date.now() - 60 * 60_000).toISOString()
    await editServers((servers) => {
      for (const entry of Object.values(servers)) Object.assign(entry, { versions: ['r0.6.1'], fetchedAt: hourOld })
    })
    await (await anotherProcess()).addWithPassword({ server: h.hs.url, identifier: { kind: 'user', user: 'alice' }, password: PASSWORDS.alice })
    expect((await keptServers())[h.hs.url]?.versions).toContain('v1.1')
  })

  it('learns the versions again when the server does not recognise a path they chose, and the check still answers', async () => {
    h = await startHarness()
    await h.addAlice()
    const hourOld = new Date(Date.now() - 60 * 60_000).toISOString()
    // Kept versions that no longer hold: they choose r0 paths, which this server does not serve.
    await editServers((servers) => {
      for (const entry of Object.values(servers)) Object.assign(entry, { versions: ['r0.6.1'], fetchedAt: hourOld })
    })
    h.hs.clearRequests()
    expect((await (await anotherProcess()).checkAll(undefined)).accounts[0]?.status).toBe('active')
    expect(h.hs.requests.filter((r) => r.status === 404 && r.path.startsWith('/_matrix/client/r0/'))).toHaveLength(1)
    expect(versionRequests()).toBe(1)
    expect((await keptServers())[h.hs.url]?.versions).toContain('v1.1')
  })

  it('reads each account’s secret from the keychain once per process', async () => {
    const secrets = new CountingStore()
    h = await startHarness({ service: { secrets } })
    for (let i = 0; i < 3; i++) await h.addAlice()
    const service = await anotherProcess()
    secrets.gets = 0
    await service.checkAll(undefined)
    await service.checkAll(undefined)
    await service.listDevices({ accountId: (await service.listAccounts(undefined)).accounts[0]!.id })
    expect(secrets.gets).toBe(3)
  })

  it('writes a renewed session through to the keychain and goes on with it without reading it again', async () => {
    const secrets = new CountingStore()
    h = await startHarness({ service: { secrets } })
    const alice = await h.addAlice()
    await h.service.checkAll(undefined)
    const before = (await secrets.get(`${alice.userId}|${alice.deviceId}`))!
    h.hs.expireAccessTokens('alice')
    secrets.gets = 0
    secrets.sets = 0
    expect((await h.service.checkAll(undefined)).accounts[0]?.status).toBe('active')
    const after = (await secrets.get(`${alice.userId}|${alice.deviceId}`))!
    expect(after.accessToken).not.toBe(before.accessToken)
    expect(secrets.sets).toBe(1)
    // One read before the rejection was believed (nobody else had renewed it), one just above.
    expect(secrets.gets).toBe(2)
    h.hs.clearRequests()
    secrets.gets = 0
    expect((await h.service.checkAll(undefined)).accounts[0]?.status).toBe('active')
    expect(secrets.gets).toBe(0)
    expect(h.hs.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${after.accessToken}`])
  })

  it('reads the keychain again before believing a rejected token: another process renewed the session', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    await h.service.checkAll(undefined)
    h.hs.expireAccessTokens('alice')
    const other = await anotherProcess()
    expect((await other.checkAll(undefined)).accounts[0]?.status).toBe('active')
    h.hs.clearRequests()
    const snapshot = await h.service.checkAll(undefined)
    expect(snapshot.accounts.find((a) => a.id === alice.id)?.status).toBe('active')
    // The used refresh token was never replayed.
    expect(h.hs.requests.filter((r) => r.endpoint === 'refresh')).toEqual([])
  })
})
