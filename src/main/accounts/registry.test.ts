import { readdir, readFile, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RegistryError } from './errors'
import { addAccount, patchAccount, removeAccount, reorderAccounts, setActiveAccount } from './operations'
import { AccountRegistry, type CorruptionNotice } from './registry'
import { emptySnapshot } from './schema'
import { newAccountInput, tempDataDir } from '../../../test/accounts/factories'

let dir: string
let cleanup: () => Promise<void>

beforeEach(async () => {
  ;({ dir, cleanup } = await tempDataDir())
})
afterEach(async () => {
  await cleanup()
})

const file = () => path.join(dir, 'accounts.json')
const readJson = async () => JSON.parse(await readFile(file(), 'utf8')) as Record<string, unknown>

async function rejection(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(RegistryError)
  return error as RegistryError
}

async function registryWith(count: number): Promise<{ registry: AccountRegistry; ids: string[] }> {
  const registry = new AccountRegistry({ dir })
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    ids.push((await registry.update((draft) => addAccount(draft, newAccountInput()))).result.id)
  }
  return { registry, ids }
}

describe('reading and writing the account list', () => {
  it('reads an empty list when no file exists, without creating one', async () => {
    const registry = new AccountRegistry({ dir })
    expect(await registry.read()).toEqual(emptySnapshot())
    expect(await readdir(dir)).toEqual([])
  })

  it('keeps an added account, with a random stable id, for the next registry that reads the folder', async () => {
    const registry = new AccountRegistry({ dir })
    const now = new Date('2026-01-02T03:04:05.000Z')
    const { result: added, snapshot } = await registry.update((draft) =>
      addAccount(draft, newAccountInput({ userId: '@alice:example.org', label: 'Work', color: '#336699' }), { now }),
    )
    expect(added.id).toMatch(/^acc_[0-9a-f]{16}$/)
    expect(added).toMatchObject({ order: 0, status: 'active', addedAt: '2026-01-02T03:04:05.000Z' })
    expect(snapshot.accounts).toEqual([added])

    const again = await new AccountRegistry({ dir }).read()
    expect(again).toEqual({ ...emptySnapshot(), activeId: added.id, accounts: [added] })
    expect(await readJson()).toEqual(again)
  })

  it('answers a frozen list, the same one again while the file is unchanged, and a new one after a change', async () => {
    const { registry } = await registryWith(2)
    const first = await registry.read()
    expect(Object.isFrozen(first) && Object.isFrozen(first.accounts) && Object.isFrozen(first.accounts[0])).toBe(true)
    expect(() => {
      ;(first.accounts[0] as { label?: string }).label = 'changed by a reader'
    }).toThrow(TypeError)
    expect(await registry.read()).toBe(first)
    await registry.update((draft) => addAccount(draft, newAccountInput()))
    const after = await registry.read()
    expect(after).not.toBe(first)
    expect(after.accounts).toHaveLength(3)
    expect(first.accounts).toHaveLength(2)
  })

  it('parses the file again when another process changed it, though this registry had it unchanged before', async () => {
    const { registry } = await registryWith(1)
    const first = await registry.read()
    await new AccountRegistry({ dir }).update((draft) => addAccount(draft, newAccountInput()))
    const after = await registry.read()
    expect(after).not.toBe(first)
    expect(after.accounts).toHaveLength(2)
  })

  it('writes the file readable by its owner only', async () => {
    await registryWith(1)
    expect((await stat(file())).mode & 0o777).toBe(0o600)
  })

  it('makes the first account active and leaves the active account alone when more are added', async () => {
    const { registry, ids } = await registryWith(3)
    expect((await registry.read()).activeId).toBe(ids[0])
    await registry.update((draft) => setActiveAccount(draft, ids[2]!))
    expect((await registry.read()).activeId).toBe(ids[2])
  })

  it('allows several accounts on one homeserver and one user on two devices', async () => {
    const registry = new AccountRegistry({ dir })
    await registry.update((draft) => {
      addAccount(draft, newAccountInput({ userId: '@alice:example.org', deviceId: 'LAPTOP' }))
      addAccount(draft, newAccountInput({ userId: '@alice:example.org', deviceId: 'DESKTOP' }))
      addAccount(draft, newAccountInput({ userId: '@bob:example.org', deviceId: 'LAPTOP' }))
    })
    expect((await registry.read()).accounts.map((a) => `${a.userId} ${a.deviceId}`)).toEqual([
      '@alice:example.org LAPTOP',
      '@alice:example.org DESKTOP',
      '@bob:example.org LAPTOP',
    ])
  })

  it('refuses the same user on the same device twice and writes nothing', async () => {
    const registry = new AccountRegistry({ dir })
    await registry.update((draft) => addAccount(draft, newAccountInput({ userId: '@alice:example.org', deviceId: 'D' })))
    const before = await readFile(file(), 'utf8')
    const error = await rejection(
      registry.update((draft) => addAccount(draft, newAccountInput({ userId: '@alice:example.org', deviceId: 'D' }))),
    )
    expect(error.code).toBe('duplicate-account')
    expect(error.message).toBe('@alice:example.org on device D is already in the account list.')
    expect(await readFile(file(), 'utf8')).toBe(before)
  })

  it('puts reordered accounts first and keeps the unnamed ones after them in their order', async () => {
    const { registry, ids } = await registryWith(4)
    const [a, b, c, d] = ids as [string, string, string, string]
    const { snapshot } = await registry.update((draft) => reorderAccounts(draft, [c, a]))
    expect(snapshot.accounts.map((x) => x.id)).toEqual([c, a, b, d])
    expect(snapshot.accounts.map((x) => x.order)).toEqual([0, 1, 2, 3])
    expect((await registry.read()).accounts.map((x) => x.id)).toEqual([c, a, b, d])
  })

  it('refuses an order that names an unknown account', async () => {
    const { registry, ids } = await registryWith(2)
    const error = await rejection(registry.update((draft) => reorderAccounts(draft, ['acc_0000000000000000', ids[0]!])))
    expect(error.code).toBe('unknown-account')
    expect((await registry.read()).accounts.map((x) => x.id)).toEqual(ids)
  })

  it('hands the active role to the next account when the active one is removed', async () => {
    const { registry, ids } = await registryWith(3)
    await registry.update((draft) => setActiveAccount(draft, ids[1]!))
    const { snapshot } = await registry.update((draft) => removeAccount(draft, ids[1]!))
    expect(snapshot.activeId).toBe(ids[2])
    expect(snapshot.accounts.map((x) => x.order)).toEqual([0, 1])
    const { snapshot: last } = await registry.update((draft) => {
      removeAccount(draft, ids[2]!)
      removeAccount(draft, ids[0]!)
    })
    expect(last).toEqual(emptySnapshot())
  })

  it('changes and clears an account’s label, colour and status', async () => {
    const { registry, ids } = await registryWith(1)
    const id = ids[0]!
    await registry.update((draft) =>
      patchAccount(draft, id, { label: 'Home', color: '#aabbcc', status: 'unreachable', statusMessage: 'No answer.' }),
    )
    expect((await registry.read()).accounts[0]).toMatchObject({ label: 'Home', color: '#aabbcc', status: 'unreachable' })
    await registry.update((draft) => patchAccount(draft, id, { label: undefined, status: 'active', statusMessage: undefined }))
    const account = (await registry.read()).accounts[0]!
    expect(account.status).toBe('active')
    expect('label' in account).toBe(false)
    expect('statusMessage' in account).toBe(false)
  })

  it('writes nothing when the change throws, and the next change still goes through', async () => {
    const { registry } = await registryWith(1)
    const before = await readFile(file(), 'utf8')
    await expect(
      registry.update((draft) => {
        addAccount(draft, newAccountInput())
        throw new Error('changed my mind')
      }),
    ).rejects.toThrow('changed my mind')
    expect(await readFile(file(), 'utf8')).toBe(before)
    await registry.update((draft) => addAccount(draft, newAccountInput()))
    expect((await registry.read()).accounts).toHaveLength(2)
  })

  it('refuses a change that leaves the list invalid and says what is wrong', async () => {
    const { registry, ids } = await registryWith(1)
    const before = await readFile(file(), 'utf8')
    const error = await rejection(registry.update((draft) => patchAccount(draft, ids[0]!, { userId: 'alice' })))
    expect(error.code).toBe('invalid-change')
    expect(error.message).toContain('accounts.0.userId: a Matrix user id looks like @name:server')
    expect(await readFile(file(), 'utf8')).toBe(before)
  })

  it('answers what the change returned together with the saved list', async () => {
    const { registry } = await registryWith(2)
    const { result, snapshot } = await registry.update((draft) => draft.accounts.length * 10)
    expect(result).toBe(20)
    expect(snapshot.accounts).toHaveLength(2)
  })

  it('sees what another registry on the same folder wrote since it last read', async () => {
    const first = new AccountRegistry({ dir })
    const second = new AccountRegistry({ dir })
    await first.update((draft) => addAccount(draft, newAccountInput()))
    await second.update((draft) => addAccount(draft, newAccountInput()))
    await first.update((draft) => addAccount(draft, newAccountInput()))
    expect((await second.read()).accounts).toHaveLength(3)
  })

  it('loses no account when many changes start at once in one process', async () => {
    const registries = [new AccountRegistry({ dir }), new AccountRegistry({ dir })]
    await Promise.all(
      Array.from({ length: 30 }, (_, i) => registries[i % 2]!.update((draft) => addAccount(draft, newAccountInput()))),
    )
    expect((await registries[0]!.read()).accounts).toHaveLength(30)
  })

  it('refuses a change that starts another change inside itself instead of waiting forever', async () => {
    const registry = new AccountRegistry({ dir })
    const error = await rejection(registry.update(() => registry.update(() => undefined)))
    expect(error.code).toBe('invalid-change')
  })

  it('refuses a change that would wait (returns a promise), writes nothing, and keeps the lock free for the next', async () => {
    await registryWith(1)
    const registry = new AccountRegistry({ dir })
    const before = await readFile(file(), 'utf8')
    const error = await rejection(registry.update(async (draft) => void addAccount(draft, newAccountInput())))
    expect(error.code).toBe('invalid-change')
    expect(await readFile(file(), 'utf8')).toBe(before)
    await registry.update((draft) => addAccount(draft, newAccountInput()))
    expect((await registry.read()).accounts).toHaveLength(2)
  })

  it('lets a change in another folder run while this one is refused for nesting', async () => {
    const { dir: other, cleanup: cleanupOther } = await tempDataDir()
    try {
      const here = new AccountRegistry({ dir })
      const there = new AccountRegistry({ dir: other })
      let inner: Promise<unknown> | undefined
      await here.update((draft) => {
        inner = there.update((d) => addAccount(d, newAccountInput()))
        addAccount(draft, newAccountInput())
      })
      await inner
      expect((await there.read()).accounts).toHaveLength(1)
    } finally {
      await cleanupOther()
    }
  })

  it('removes temporary files a killed writer left behind', async () => {
    await registryWith(1)
    await writeFile(path.join(dir, 'accounts.json.4242.0badf00d.tmp'), '{"half": ')
    await new AccountRegistry({ dir }).update((draft) => addAccount(draft, newAccountInput()))
    expect((await readdir(dir)).sort()).toEqual(['accounts.json'])
  })

  // How long this takes is a figure for the bench, not a test: a loaded machine would make it flaky.
  it('keeps every one of 200 accounts written one after another', async () => {
    const registry = new AccountRegistry({ dir })
    const written: string[] = []
    for (let i = 0; i < 200; i++) written.push((await registry.update((draft) => addAccount(draft, newAccountInput()))).result.id)
    expect((await registry.read()).accounts.map((a) => a.id)).toEqual(written)
  })
})

describe('a file that cannot be read', () => {
  const at = new Date('2026-03-04T05:06:07.890Z')
  const movedName = 'accounts.json.corrupt-2026-03-04T05-06-07.890Z'

  it.each([
    ['is not JSON', '{"version": 1, "accounts": [', 'it is not valid JSON'],
    ['is empty', '', 'it is empty'],
    ['has the wrong layout', JSON.stringify({ version: 2, activeId: null, accounts: { id: 'x' } }), 'it does not have the expected layout (accounts: is not a list)'],
    ['has no version', JSON.stringify({ accounts: [] }), 'it has no schema version'],
  ])('is moved aside and reported, never replaced, when it %s', async (_what, content, reason) => {
    await writeFile(file(), content)
    const reports: CorruptionNotice[] = []
    const registry = new AccountRegistry({ dir, now: () => at, onCorrupt: (info) => reports.push(info) })

    expect(await registry.read()).toEqual(emptySnapshot())

    expect(reports).toHaveLength(1)
    expect(reports[0]!.movedTo).toBe(path.join(dir, movedName))
    expect(reports[0]!.reason).toContain(reason)
    expect(registry.lastCorruption).toEqual(reports[0])
    expect(registry.lastCorruption!.message).toContain(movedName)
    expect(await readFile(path.join(dir, movedName), 'utf8')).toBe(content)
    await expect(stat(file())).rejects.toThrow()
  })

  it('is moved aside by a write too, which then starts from an empty list', async () => {
    await writeFile(file(), 'not json at all')
    const onCorrupt = vi.fn()
    const registry = new AccountRegistry({ dir, onCorrupt })
    const { snapshot } = await registry.update((draft) => addAccount(draft, newAccountInput()))
    expect(snapshot.accounts).toHaveLength(1)
    expect(onCorrupt).toHaveBeenCalledTimes(1)
    const names = await readdir(dir)
    expect(names.filter((n) => n.startsWith('accounts.json.corrupt-'))).toHaveLength(1)
    registry.clearCorruptionNotice()
    expect(registry.lastCorruption).toBeNull()
  })

  it('keeps both files when two are moved aside at the same instant', async () => {
    const registry = new AccountRegistry({ dir, now: () => at })
    await writeFile(file(), '[')
    await registry.read()
    await writeFile(file(), '{')
    await registry.read()
    expect((await readdir(dir)).sort()).toEqual([movedName, `${movedName}-2`])
  })

  it('is a clear error when the data folder is not a folder', async () => {
    const notAFolder = path.join(dir, 'plain-file')
    await writeFile(notAFolder, 'x')
    const registry = new AccountRegistry({ dir: notAFolder })
    const error = await rejection(registry.read())
    expect(error.code).toBe('unreadable')
    expect(error.message).toBe(
      `Latchkey cannot read its account list at ${path.join(notAFolder, 'accounts.json')} (a part of the path is a file, not a folder). Check that the folder is yours and readable.`,
    )
    expect((await rejection(registry.update(() => undefined))).code).toMatch(/^(unreadable|unwritable)$/)
  })

  it('is a clear error when accounts.json is a folder', async () => {
    const { mkdir } = await import('node:fs/promises')
    await mkdir(file())
    const error = await rejection(new AccountRegistry({ dir }).read())
    expect(error.code).toBe('unreadable')
    expect(error.message).toContain('(it is a folder, not a file)')
  })
})
