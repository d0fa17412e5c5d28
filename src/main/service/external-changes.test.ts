/**
 * The app and the command line share accounts.json: a change the CLI (or any other process) writes
 * while the app runs reaches the app's listeners as accountsChanged, once.
 */
import { readdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { failure } from '../../../test/service/expect'
import { runCli } from '../../../test/service/run-cli'
import { PASSWORDS, startHarness, type Harness } from '../../../test/service/harness'
import { AccountRegistry, addAccount, removeAccount, setActiveAccount } from '../accounts'
import { newAccountInput } from '../../../test/accounts/factories'
import type { AccountsSnapshot } from '../../shared/contract'

let h: Harness
afterEach(async () => h?.close())

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** When the first accountsChanged after `from` that satisfies `test` came (fails after `timeoutMs`). */
async function accountsChangedAt(from: number, test: (s: AccountsSnapshot) => boolean, timeoutMs = 2000): Promise<number> {
  const start = Date.now()
  for (;;) {
    const hit = h.eventsOf('accountsChanged').slice(from).find(test)
    if (hit) return Date.now()
    if (Date.now() - start > timeoutMs) throw new Error(`no matching accountsChanged within ${timeoutMs} ms`)
    await sleep(10)
  }
}

const userIds = (s: AccountsSnapshot | undefined) => s?.accounts.map((a) => a.userId)
/** Another process's registry on the same folder. */
const otherProcess = () => new AccountRegistry({ dir: h.dir })

describe('changes another process writes to accounts.json', () => {
  it('emits accountsChanged with an account another registry added, within 2 s, once', async () => {
    h = await startHarness()
    await h.addAlice()
    const before = h.eventsOf('accountsChanged').length

    await otherProcess().update((draft) => addAccount(draft, newAccountInput({ userId: '@cli:example.org' })))
    const written = Date.now()
    const seen = await accountsChangedAt(before, (s) => userIds(s)?.includes('@cli:example.org') === true)
    console.info(`another process's add reached the service's listeners ${seen - written} ms after its write`)
    expect(seen - written).toBeLessThan(2000)

    await sleep(400)
    const after = h.eventsOf('accountsChanged').slice(before)
    expect(after).toHaveLength(1)
    expect(userIds(after[0])).toEqual(['@alice:localhost', '@cli:example.org'])
  })

  it('does not emit its own changes a second time', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    await h.service.relabel({ accountId: alice.id, label: 'Work' })
    await h.service.setActive({ accountId: alice.id })
    expect(h.eventsOf('accountsChanged')).toHaveLength(3)
    await sleep(600)
    expect(h.eventsOf('accountsChanged')).toHaveLength(3)
  })

  it('reports a switch and a removal by another process, and forgets the removed account', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    const other = otherProcess()
    const { result: cli } = await other.update((draft) => addAccount(draft, newAccountInput({ userId: '@cli:example.org' })))

    let from = h.eventsOf('accountsChanged').length
    await other.update((draft) => setActiveAccount(draft, cli.id))
    await accountsChangedAt(from, (s) => s.activeId === cli.id)

    from = h.eventsOf('accountsChanged').length
    await other.update((draft) => void removeAccount(draft, alice.id))
    await accountsChangedAt(from, (s) => userIds(s)?.join() === '@cli:example.org')
    expect((await h.service.listAccounts(undefined)).accounts.map((a) => a.id)).toEqual([cli.id])
  })

  it('reports another process\'s change that one of its own reads found first', async () => {
    // Without the watch, only the read can tell: the registry reports to watch() nothing it has read.
    h = await startHarness({ service: { watchAccounts: false } })
    await h.service.listAccounts(undefined)
    const { result: cli } = await otherProcess().update((draft) => addAccount(draft, newAccountInput({ userId: '@cli:example.org' })))
    await sleep(300)
    expect(h.eventsOf('accountsChanged')).toHaveLength(0)

    // Looking the account up reads the list (the session itself is not in this process's memory).
    await failure(h.service.listDevices({ accountId: cli.id }))
    expect(h.eventsOf('accountsChanged')).toHaveLength(1)
    expect(userIds(h.eventsOf('accountsChanged')[0])).toEqual(['@cli:example.org'])
  })

  it('with the watch on too, a change found by a read and by the watch is emitted once', async () => {
    h = await startHarness()
    await h.service.listAccounts(undefined)
    await otherProcess().update((draft) => addAccount(draft, newAccountInput({ userId: '@cli:example.org' })))
    await h.service.listAccounts(undefined)
    await sleep(600)
    const changes = h.eventsOf('accountsChanged')
    expect(changes).toHaveLength(1)
    expect(userIds(changes[0])).toEqual(['@cli:example.org'])
  })

  it('moves a corrupt file aside while it runs, and says so, but stops watching once closed', async () => {
    h = await startHarness()
    await h.addAlice()
    const from = h.eventsOf('accountsChanged').length
    await writeFile(path.join(h.dir, 'accounts.json'), '{ not json')
    await accountsChangedAt(from, (s) => s.accounts.length === 0 && s.storageNotice !== undefined)
    expect(h.eventsOf('notice').at(-1)?.message).toMatch(/corrupt|could not be read|moved/i)
    expect((await readdir(h.dir)).filter((f) => f.includes('.corrupt-'))).toHaveLength(1)

    await h.service.close()
    await writeFile(path.join(h.dir, 'accounts.json'), '{ not json either')
    await sleep(800)
    expect((await readdir(h.dir)).filter((f) => f.includes('.corrupt-'))).toHaveLength(1)
  })
})

describe('the command line while the app runs', () => {
  it('the app hears of an account the CLI adds, switches to and forgets, each within 2 s of the command', async () => {
    h = await startHarness()
    const alice = await h.addAlice()
    const env = { LATCHKEY_HOME: h.dir, LATCHKEY_SECRET_STORE: 'memory' }
    const latencies: number[] = []
    const step = async (args: string[], test: (s: AccountsSnapshot) => boolean, stdin?: string): Promise<void> => {
      const from = h.eventsOf('accountsChanged').length
      const run = await runCli(args, { env, ...(stdin === undefined ? {} : { stdin }) })
      expect(run.code, run.stderr).toBe(0)
      const ended = Date.now()
      latencies.push((await accountsChangedAt(from, test)) - ended)
    }

    await step(['add', h.hs.url, 'bob', '--password-stdin'], (s) => userIds(s)?.includes('@bob:localhost') === true, `${PASSWORDS.bob}\n`)
    const bob = (await h.service.listAccounts(undefined)).accounts.find((a) => a.userId === '@bob:localhost')!
    await step(['switch', '@bob:localhost'], (s) => s.activeId === bob.id)
    await step(['forget', '--account', alice.id, '--yes'], (s) => userIds(s)?.join() === '@bob:localhost')

    console.info(`CLI changes reached the app's listeners ${latencies.join(', ')} ms after each command ended`)
    for (const ms of latencies) expect(ms).toBeLessThan(2000)
  }, 60_000)
})
