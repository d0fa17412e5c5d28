import { readdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  addAccount,
  getOAuthClient,
  getServerVersions,
  removeOAuthClient,
  setOAuthClient,
  setServerVersions,
} from './operations'
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
const at = new Date('2026-03-04T05:06:07.890Z')
const sideName = 'accounts.json.rejected-2026-03-04T05-06-07.890Z'

/** Three accounts written by this build, then the file as a person might edit it by hand. */
async function listOfThree(): Promise<{ ids: string[]; json: { activeId: string; accounts: Array<Record<string, unknown>> } }> {
  const registry = new AccountRegistry({ dir })
  const ids: string[] = []
  for (const userId of ['@alice:example.org', '@bob:example.org', '@carol:example.org']) {
    ids.push((await registry.update((draft) => addAccount(draft, newAccountInput({ userId })))).result.id)
  }
  await registry.update((draft) => {
    draft.activeId = ids[1]!
  })
  return { ids, json: JSON.parse(await readFile(file(), 'utf8')) as never }
}

describe('an account list with one bad account', () => {
  it('keeps every valid account, sets the bad one aside in a side file, and says which account and field', async () => {
    const { ids, json } = await listOfThree()
    json.accounts[1]!.label = 'x'.repeat(65)
    await writeFile(file(), JSON.stringify(json, null, 2))
    const badAccount = json.accounts[1]

    const notices: CorruptionNotice[] = []
    const registry = new AccountRegistry({ dir, now: () => at, onCorrupt: (notice) => notices.push(notice) })
    const snapshot = await registry.read()

    expect(snapshot.accounts.map((a) => a.id)).toEqual([ids[0], ids[2]])
    expect(snapshot.activeId).toBe(ids[0])
    expect(notices).toHaveLength(1)
    expect(notices[0]!.message).toBe(
      `Latchkey set aside an account it could not read: @bob:example.org (its label is longer than 64 characters). It is kept in ${sideName}; every other account is as before.`,
    )
    expect(notices[0]!.rejected).toEqual([{ account: '@bob:example.org', problem: 'its label is longer than 64 characters' }])
    expect(registry.lastCorruption).toEqual(notices[0])

    const side = JSON.parse(await readFile(path.join(dir, sideName), 'utf8')) as { accounts: Array<{ account: unknown; problems: string[] }> }
    expect(side.accounts).toEqual([{ problems: ['accounts.1.label: is longer than 64 characters'], account: badAccount }])
    // The cleaned list was written back: the next reader sees it without a second notice.
    const again = new AccountRegistry({ dir, onCorrupt: (notice) => notices.push(notice) })
    expect(await again.read()).toEqual(snapshot)
    expect(notices).toHaveLength(1)
    expect((await readdir(dir)).sort()).toEqual(['accounts.json', sideName])
  })

  it('names several bad accounts in one sentence, by user id, or by id when the user id is what is wrong', async () => {
    const { ids, json } = await listOfThree()
    json.accounts[0]!.status = 'happy'
    json.accounts[2]!.userId = 'carol'
    await writeFile(file(), JSON.stringify(json))
    const registry = new AccountRegistry({ dir, now: () => at })
    const snapshot = await registry.read()
    expect(snapshot.accounts.map((a) => a.id)).toEqual([ids[1]])
    expect(registry.lastCorruption!.message).toBe(
      `Latchkey set aside 2 accounts it could not read: @alice:example.org (its status is not one of active, soft-logged-out, logged-out, locked, unreachable, pending-logout); ${ids[2]} (its user id is not valid (a Matrix user id looks like @name:server)). They are kept in ${sideName}; every other account is as before.`,
    )
  })

  it('sets bad accounts aside on a write too, and the write goes through', async () => {
    const { json } = await listOfThree()
    json.accounts[2]!.order = 'last'
    await writeFile(file(), JSON.stringify(json))
    const registry = new AccountRegistry({ dir, now: () => at })
    const { snapshot } = await registry.update((draft) => addAccount(draft, newAccountInput({ userId: '@dave:example.org' })))
    expect(snapshot.accounts.map((a) => a.userId)).toEqual(['@alice:example.org', '@bob:example.org', '@dave:example.org'])
    expect(registry.lastCorruption?.movedTo).toBe(path.join(dir, sideName))
  })

  it('drops a bad saved server entry without touching the accounts, and keeps it in the side file', async () => {
    const { ids, json } = await listOfThree()
    await writeFile(file(), JSON.stringify({ ...json, servers: { 'https://matrix.example.org': { versions: 'v1.1' } } }))
    const registry = new AccountRegistry({ dir, now: () => at })
    const snapshot = await registry.read()
    expect(snapshot.accounts.map((a) => a.id)).toEqual(ids)
    expect(snapshot.servers).toEqual({})
    expect(registry.lastCorruption!.message).toMatch(/^Latchkey set aside 1 saved server detail it will fetch again\./)
    expect(await readFile(path.join(dir, sideName), 'utf8')).toContain('"versions": "v1.1"')
  })

  it('repairs a dangling active account silently, since nothing is lost', async () => {
    const { ids, json } = await listOfThree()
    await writeFile(file(), JSON.stringify({ ...json, activeId: 'acc_ffffffffffffffff' }))
    const registry = new AccountRegistry({ dir })
    expect((await registry.read()).activeId).toBe(ids[0])
    expect(registry.lastCorruption).toBeNull()
    expect(await readdir(dir)).toEqual(['accounts.json'])
  })
})

describe('the OAuth client and server version maps', () => {
  it('keep a registered client per issuer and a server’s versions per base URL across registries', async () => {
    const registry = new AccountRegistry({ dir })
    const now = new Date('2026-05-06T07:08:09.000Z')
    await registry.update((draft) => {
      setOAuthClient(draft, 'https://auth.example.org/', { clientId: 'abc' }, now)
      setServerVersions(draft, 'https://matrix.example.org', { versions: ['v1.11'], unstableFeatures: { 'org.matrix.msc3882': true } }, now)
    })
    const read = await new AccountRegistry({ dir }).read()
    expect(getOAuthClient(read, 'https://auth.example.org/')).toEqual({ clientId: 'abc', registeredAt: now.toISOString() })
    expect(getServerVersions(read, 'https://matrix.example.org')).toEqual({
      versions: ['v1.11'],
      unstableFeatures: { 'org.matrix.msc3882': true },
      fetchedAt: now.toISOString(),
    })
    expect(getOAuthClient(read, 'https://other.example/')).toBeUndefined()
    await registry.update((draft) => removeOAuthClient(draft, 'https://auth.example.org/'))
    expect((await registry.read()).oauthClients).toEqual({})
  })

  it('answer nothing for names an object inherits, and keep even __proto__ as an ordinary name', async () => {
    const snapshot = emptySnapshot()
    expect(getOAuthClient(snapshot, 'constructor')).toBeUndefined()
    expect(getServerVersions(snapshot, '__proto__')).toBeUndefined()
    const registry = new AccountRegistry({ dir })
    await registry.update((draft) => setOAuthClient(draft, '__proto__', { clientId: 'x' }))
    const read = await new AccountRegistry({ dir }).read()
    expect(getOAuthClient(read, '__proto__')).toMatchObject({ clientId: 'x' })
    expect(Object.getPrototypeOf(read.oauthClients)).toBe(Object.prototype)
    await registry.update((draft) => removeOAuthClient(draft, '__proto__'))
    expect((await registry.read()).oauthClients).toEqual({})
  })

  it('keep what a server advertised within bounds, so no server can make the list unwritable', async () => {
    const registry = new AccountRegistry({ dir })
    const features = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`f${i}`, true]))
    const hostile = JSON.parse('{"__proto__": true, "ok": true, "bad": "yes"}') as Record<string, boolean>
    const expected = JSON.parse('{"__proto__": true, "ok": true}') as Record<string, boolean>
    const { snapshot } = await registry.update((draft) => {
      setServerVersions(draft, 'https://m.example', { versions: ['', 'v1.1', 'v'.repeat(65)], unstableFeatures: features })
      setServerVersions(draft, 'https://h.example', { versions: Array(300).fill('v1.2'), unstableFeatures: { ...hostile, ['x'.repeat(256)]: true } })
    })
    expect(snapshot.servers['https://m.example']!.versions).toEqual(['v1.1'])
    expect(Object.keys(snapshot.servers['https://m.example']!.unstableFeatures)).toHaveLength(4096)
    expect(snapshot.servers['https://h.example']!.versions).toHaveLength(256)
    expect(snapshot.servers['https://h.example']!.unstableFeatures).toEqual(expected)
  })

  it('refuse to save under a name too long to be a key, and save nothing', async () => {
    const registry = new AccountRegistry({ dir })
    await expect(
      registry.update((draft) => setServerVersions(draft, 'x'.repeat(3000), { versions: [], unstableFeatures: {} })),
    ).rejects.toMatchObject({ code: 'invalid-change', message: expect.stringContaining('is not allowed as a key') })
    expect(await readdir(dir)).toEqual([])
  })
})
