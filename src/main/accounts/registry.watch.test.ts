/** Watching accounts.json for changes made by another process (the command line while the app is open). */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addAccount } from './operations'
import { AccountRegistry } from './registry'
import type { RegistrySnapshot } from './schema'
import { newAccountInput, tempDataDir } from '../../../test/accounts/factories'
import { spawnRegistryWriter, type WriterProcess } from '../../../test/accounts/spawn-writer'
import type { WatchOptions } from './watch'

let dir: string
let cleanup: () => Promise<void>
const writers: WriterProcess[] = []
const unwatchers: Array<() => void> = []

beforeEach(async () => {
  ;({ dir, cleanup } = await tempDataDir('latchkey-watch-'))
})
afterEach(async () => {
  for (const unwatch of unwatchers.splice(0)) unwatch()
  for (const writer of writers.splice(0)) {
    if (writer.child.exitCode === null && writer.child.signalCode === null) writer.child.kill('SIGKILL')
    await writer.exited
  }
  await cleanup()
})

function startWriter(count: number, prefix: string): WriterProcess {
  const writer = spawnRegistryWriter({ dir, count, prefix })
  writers.push(writer)
  return writer
}

async function finished(writer: WriterProcess): Promise<void> {
  expect(await writer.exited, writer.stderr()).toEqual({ code: 0, signal: null })
}

/** Watches `registry`, recording each call with the time it came. */
function watchRecording(registry: AccountRegistry, options: WatchOptions = {}) {
  const calls: Array<{ snapshot: RegistrySnapshot; at: number }> = []
  const errors: unknown[] = []
  const unwatch = registry.watch((snapshot) => void calls.push({ snapshot, at: Date.now() }), {
    onError: (error) => void errors.push(error),
    ...options,
  })
  unwatchers.push(unwatch)
  return { calls, errors, unwatch, last: () => calls.at(-1)?.snapshot }
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`)
    await sleep(10)
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const userIds = (snapshot: RegistrySnapshot | undefined) => snapshot?.accounts.map((account) => account.userId)

describe('watching for another process', () => {
  it('sees an account another process added within a second', async () => {
    const registry = new AccountRegistry({ dir })
    await registry.read()
    const watched = watchRecording(registry)

    const writer = startWriter(1, 'cli')
    await writer.waitForLines(1)
    const written = Date.now()
    await waitUntil(() => watched.calls.length > 0, 3000, 'the listener is called')

    expect(watched.calls).toHaveLength(1)
    expect(userIds(watched.last())).toEqual(['@cli-0:example.org'])
    expect(watched.last()!.accounts[0]!.id).toBe(writer.ids[0])
    expect(watched.calls[0]!.at - written).toBeLessThan(1000)
    console.info(`an external add was seen ${watched.calls[0]!.at - written} ms after its write returned`)
    expect(watched.errors).toEqual([])
  })

  it('does not report this registry’s own writes', async () => {
    const registry = new AccountRegistry({ dir })
    await registry.read()
    const watched = watchRecording(registry)

    await registry.update((draft) => addAccount(draft, newAccountInput({ userId: '@own:example.org' })))
    await registry.update((draft) => addAccount(draft, newAccountInput({ userId: '@own2:example.org' })))
    await sleep(500)
    expect(watched.calls).toEqual([])

    // The watch was live all along: the next change by another process is reported.
    await finished(startWriter(1, 'cli'))
    await waitUntil(() => watched.calls.length > 0, 3000, 'the listener is called')
    expect(userIds(watched.last())).toEqual(['@own:example.org', '@own2:example.org', '@cli-0:example.org'])
    expect(watched.errors).toEqual([])
  })

  it('does not report a change this registry has already read', async () => {
    const registry = new AccountRegistry({ dir })
    await registry.read()
    const watched = watchRecording(registry, { debounceMs: 300 })
    await sleep(200)

    // Read within the debounce, before the watcher looks.
    await new AccountRegistry({ dir }).update((draft) => addAccount(draft, newAccountInput()))
    expect((await registry.read()).accounts).toHaveLength(1)
    await sleep(600)
    expect(watched.calls).toEqual([])
  })

  it('stops calling the listener once unwatched', async () => {
    const registry = new AccountRegistry({ dir })
    await registry.read()
    const watched = watchRecording(registry)
    const control = watchRecording(new AccountRegistry({ dir }))
    await sleep(200)

    watched.unwatch()
    watched.unwatch()
    await finished(startWriter(2, 'cli'))
    await waitUntil(() => userIds(control.last())?.length === 2, 3000, 'a watcher still watching sees both accounts')
    await sleep(300)
    expect(watched.calls).toEqual([])
  })

  it('reports a burst of 50 writes a few times, ending on the final list', { timeout: 60_000 }, async () => {
    const registry = new AccountRegistry({ dir })
    await registry.read()
    const watched = watchRecording(registry)

    const writer = startWriter(50, 'burst')
    await writer.waitForLines(1)
    const began = Date.now()
    await finished(writer)
    const burstMs = Date.now() - began
    await waitUntil(() => watched.last()?.accounts.length === 50, 3000, 'the listener has all 50 accounts')
    await sleep(500)

    // At most one call per maxWaitMs (1 s) of steady writing, plus the one after it ends.
    expect(watched.calls.length).toBeGreaterThanOrEqual(1)
    expect(watched.calls.length).toBeLessThanOrEqual(Math.ceil(burstMs / 1000) + 2)
    expect(watched.last()!.accounts.map((account) => account.id)).toEqual(writer.ids)
    const sizes = watched.calls.map((call) => call.snapshot.accounts.length)
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b))
    console.info(`burst: 50 writes in ${burstMs} ms, ${watched.calls.length} listener calls (${sizes.join(', ')})`)
  })

  it('still reports a steady stream of changes while it lasts', async () => {
    const registry = new AccountRegistry({ dir })
    await registry.read()
    const watched = watchRecording(registry, { debounceMs: 200, maxWaitMs: 400 })
    const other = new AccountRegistry({ dir })

    // One write every 50 ms for over a second: never quiet for 200 ms.
    const until = Date.now() + 1200
    while (Date.now() < until) {
      await other.update((draft) => addAccount(draft, newAccountInput()))
      await sleep(50)
    }
    const duringStream = watched.calls.length
    const total = (await other.read()).accounts.length
    await waitUntil(() => watched.last()?.accounts.length === total, 3000, 'the listener has the final list')

    expect(duringStream).toBeGreaterThanOrEqual(2)
  })
})

describe('watching through trouble', () => {
  it('moves a corrupt file aside once, reports the empty list once, and does not loop', async () => {
    const notices: string[] = []
    const registry = new AccountRegistry({ dir, onCorrupt: (notice) => void notices.push(notice.movedTo) })
    await registry.update((draft) => addAccount(draft, newAccountInput()))
    const watched = watchRecording(registry, { debounceMs: 50 })

    await writeFile(path.join(dir, 'accounts.json'), '{"version": 1, "accou')
    await waitUntil(() => watched.calls.length > 0, 3000, 'the listener is called')
    await sleep(600)

    expect(watched.calls.map((call) => call.snapshot.accounts.length)).toEqual([0])
    expect(notices).toHaveLength(1)
    const corrupt = (await readdir(dir)).filter((name) => name.startsWith('accounts.json.corrupt-'))
    expect(corrupt).toHaveLength(1)
    expect(watched.errors).toEqual([])
  })

  it('reads a list of an older layout once, migrated', async () => {
    const registry = new AccountRegistry({ dir })
    await registry.read()
    const watched = watchRecording(registry, { debounceMs: 50 })

    const prototypeList = [{ userId: '@old:example.org', homeserverUrl: 'https://example.org', deviceId: 'OLD', active: true }]
    await writeFile(path.join(dir, 'accounts.json'), JSON.stringify(prototypeList))
    await waitUntil(() => watched.calls.length > 0, 3000, 'the listener is called')
    await sleep(500)

    expect(watched.calls).toHaveLength(1)
    expect(userIds(watched.last())).toEqual(['@old:example.org'])
    expect(watched.last()!.activeId).toBe(watched.last()!.accounts[0]!.id)
    expect((await registry.read()).accounts[0]!.id).toBe(watched.last()!.accounts[0]!.id)
  })

  it('reports an empty list when the folder disappears, and follows the folder made again', async () => {
    const registry = new AccountRegistry({ dir })
    await registry.update((draft) => addAccount(draft, newAccountInput({ userId: '@before:example.org' })))
    const watched = watchRecording(registry, { debounceMs: 50, folderPollMs: 50 })
    await sleep(200)

    await rm(dir, { recursive: true, force: true })
    await waitUntil(() => watched.calls.length === 1, 3000, 'the listener hears the list is gone')
    expect(watched.last()!.accounts).toEqual([])

    await mkdir(dir)
    await finished(startWriter(1, 'after'))
    await waitUntil(() => watched.calls.length === 2, 3000, 'the listener hears of the new list')
    expect(userIds(watched.last())).toEqual(['@after-0:example.org'])
    expect(watched.errors).toEqual([])
  })

  it('waits for a data folder that does not exist yet', async () => {
    const later = path.join(dir, 'not-yet')
    const registry = new AccountRegistry({ dir: later })
    await registry.read()
    const watched = watchRecording(registry, { folderPollMs: 50 })
    await sleep(150)

    await new AccountRegistry({ dir: later }).update((draft) => addAccount(draft, newAccountInput({ userId: '@first:example.org' })))
    await waitUntil(() => watched.calls.length > 0, 3000, 'the listener is called')
    expect(userIds(watched.last())).toEqual(['@first:example.org'])
    expect(watched.errors).toEqual([])
  })

  it('hands a listener’s error to onError and keeps watching', async () => {
    const registry = new AccountRegistry({ dir })
    await registry.read()
    const errors: unknown[] = []
    const seen: number[] = []
    unwatchers.push(
      registry.watch(
        async (snapshot) => {
          seen.push(snapshot.accounts.length)
          if (seen.length === 1) throw new Error('listener failed')
        },
        { debounceMs: 50, onError: (error) => void errors.push(error) },
      ),
    )
    const other = new AccountRegistry({ dir })

    await other.update((draft) => addAccount(draft, newAccountInput()))
    await waitUntil(() => errors.length === 1, 3000, 'onError hears of the failure')
    await other.update((draft) => addAccount(draft, newAccountInput()))
    await waitUntil(() => seen.length === 2, 3000, 'the listener is called again')

    expect((errors[0] as Error).message).toBe('listener failed')
    expect(seen).toEqual([1, 2])
  })

  it('reports a list from a newer Latchkey as an error, not a change', async () => {
    const registry = new AccountRegistry({ dir })
    await registry.read()
    const watched = watchRecording(registry, { debounceMs: 50 })

    await writeFile(path.join(dir, 'accounts.json'), JSON.stringify({ version: 99, accounts: [] }))
    await waitUntil(() => watched.errors.length > 0, 3000, 'onError is called')

    expect(watched.calls).toEqual([])
    expect(watched.errors[0]).toMatchObject({ name: 'RegistryError', code: 'newer-version' })
    expect((await readdir(dir)).filter((name) => name.includes('corrupt'))).toEqual([])
  })
})
