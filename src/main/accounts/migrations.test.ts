import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RegistryError } from './errors'
import { migrate, UnreadableLayoutError } from './migrations'
import { AccountRegistry } from './registry'
import { addAccount } from './operations'
import { CURRENT_VERSION, emptySnapshot } from './schema'
import { newAccountInput, tempDataDir } from '../../../test/accounts/factories'

const context = { now: new Date('2026-05-06T07:08:09.000Z'), newId: () => 'acc_0123456789abcdef' }

function v0Entry(overrides: Record<string, unknown> = {}) {
  return { userId: '@alice:example.org', homeserverUrl: 'https://matrix.example.org', deviceId: 'ABC', ...overrides }
}

describe('migrating accounts.json', () => {
  it('turns a version-less array (version 0) into version 2 with ids, order, status and the active account', () => {
    let n = 0
    const { value, from } = migrate(
      [v0Entry({ label: 'Work' }), v0Entry({ userId: '@bob:other.net', deviceId: 'XYZ', active: true, addedAt: '2020-01-01T00:00:00.000Z' })],
      { ...context, newId: () => `acc_000000000000000${++n}` },
    )
    expect(from).toBe(0)
    expect(value).toEqual({
      version: 2,
      oauthClients: {},
      servers: {},
      activeId: 'acc_0000000000000002',
      accounts: [
        {
          id: 'acc_0000000000000001',
          userId: '@alice:example.org',
          homeserverUrl: 'https://matrix.example.org',
          serverName: 'example.org',
          deviceId: 'ABC',
          label: 'Work',
          authApi: 'legacy',
          order: 0,
          addedAt: '2026-05-06T07:08:09.000Z',
          status: 'active',
        },
        {
          id: 'acc_0000000000000002',
          userId: '@bob:other.net',
          homeserverUrl: 'https://matrix.example.org',
          serverName: 'other.net',
          deviceId: 'XYZ',
          authApi: 'legacy',
          order: 1,
          addedAt: '2020-01-01T00:00:00.000Z',
          status: 'active',
        },
      ],
    })
  })

  it('turns version 1 into version 2 by adding the empty OAuth-client and server maps, keeping every account field', () => {
    const account = {
      id: 'acc_0123456789abcdef',
      userId: '@alice:example.org',
      homeserverUrl: 'https://matrix.example.org',
      serverName: 'example.org',
      deviceId: 'ABC',
      authApi: 'legacy',
      label: 'Work',
      order: 0,
      addedAt: '2026-01-01T00:00:00.000Z',
      status: 'active',
    }
    const { value, from } = migrate({ version: 1, activeId: account.id, accounts: [account] }, context)
    expect(from).toBe(1)
    expect(value).toEqual({ version: 2, activeId: account.id, accounts: [account], oauthClients: {}, servers: {} })
  })

  it('takes a version-0 file all the way to the current version', () => {
    const { value } = migrate([v0Entry()], context)
    expect(value).toMatchObject({ version: CURRENT_VERSION, oauthClients: {}, servers: {} })
  })

  it('leaves a current file as it is', () => {
    const file = { version: 2, activeId: null, accounts: [], oauthClients: {}, servers: {} }
    expect(migrate(file, context)).toEqual({ value: file, from: 2 })
  })

  it('refuses a file from a newer Latchkey with a sentence that says to update', () => {
    expect(() => migrate({ version: 3, accounts: [] }, context)).toThrow(RegistryError)
    expect(() => migrate({ version: 3, accounts: [] }, context)).toThrow(/newer version of Latchkey.*Update Latchkey/)
  })

  it('calls a file with no version, or a version-0 array of non-accounts, unreadable', () => {
    expect(() => migrate({ accounts: [] }, context)).toThrow(UnreadableLayoutError)
    expect(() => migrate('hello', context)).toThrow(UnreadableLayoutError)
    expect(() => migrate([{ name: 'x' }], context)).toThrow(UnreadableLayoutError)
  })
})

describe('a registry meeting an older or newer file', () => {
  let dir: string
  let cleanup: () => Promise<void>
  beforeEach(async () => {
    ;({ dir, cleanup } = await tempDataDir())
  })
  afterEach(async () => {
    await cleanup()
  })

  it('migrates a version-0 file on first read and writes it back, so the new ids stay the same', async () => {
    const file = path.join(dir, 'accounts.json')
    await writeFile(file, JSON.stringify([v0Entry(), v0Entry({ deviceId: 'DEF', active: true })]))
    const registry = new AccountRegistry({ dir })
    const first = await registry.read()
    expect(first.version).toBe(2)
    expect(first.accounts.map((a) => a.deviceId)).toEqual(['ABC', 'DEF'])
    expect(first.activeId).toBe(first.accounts[1]!.id)
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(first)
    expect(await new AccountRegistry({ dir }).read()).toEqual(first)
  })

  it('migrates a version-1 file on first read and writes it back as version 2 with the same accounts', async () => {
    const file = path.join(dir, 'accounts.json')
    const account = { ...newAccountInput(), id: 'acc_00000000000000aa', order: 0, addedAt: '2026-01-01T00:00:00.000Z', status: 'active' }
    await writeFile(file, JSON.stringify({ version: 1, activeId: account.id, accounts: [account] }))
    const registry = new AccountRegistry({ dir })
    const read = await registry.read()
    expect(read).toEqual({ version: 2, activeId: account.id, accounts: [account], oauthClients: {}, servers: {} })
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(read)
    expect(registry.lastCorruption).toBeNull()
  })

  it('leaves a file from a newer Latchkey untouched, for reading and for writing', async () => {
    const file = path.join(dir, 'accounts.json')
    const newer = JSON.stringify({ version: 7, activeId: null, accounts: [], somethingNew: true })
    await writeFile(file, newer)
    const registry = new AccountRegistry({ dir })
    await expect(registry.read()).rejects.toMatchObject({ code: 'newer-version' })
    await expect(registry.update(() => undefined)).rejects.toMatchObject({ code: 'newer-version' })
    expect(await readFile(file, 'utf8')).toBe(newer)
    expect(await readdir(dir)).toEqual(['accounts.json'])
    expect(registry.lastCorruption).toBeNull()
  })

  it('tolerates unknown keys in a current file and drops them on the next write', async () => {
    const file = path.join(dir, 'accounts.json')
    await writeFile(file, JSON.stringify({ ...emptySnapshot(), note: 'hand edit' }))
    const registry = new AccountRegistry({ dir })
    expect(await registry.read()).toEqual(emptySnapshot())
    expect(registry.lastCorruption).toBeNull()
    await registry.update((draft) => addAccount(draft, newAccountInput()))
    expect(JSON.parse(await readFile(file, 'utf8'))).not.toHaveProperty('note')
  })
})
