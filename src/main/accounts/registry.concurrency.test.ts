/** Several processes writing one accounts.json: the inter-process lock, its waits and its takeover. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RegistryError } from './errors'
import { addAccount } from './operations'
import { AccountRegistry } from './registry'
import { newAccountInput, tempDataDir } from '../../../test/accounts/factories'
import { spawnRegistryWriter, type WriterProcess } from '../../../test/accounts/spawn-writer'

let dir: string
let cleanup: () => Promise<void>
const writers: WriterProcess[] = []

beforeEach(async () => {
  ;({ dir, cleanup } = await tempDataDir('latchkey-concurrency-'))
})
afterEach(async () => {
  for (const writer of writers.splice(0)) {
    if (writer.child.exitCode === null && writer.child.signalCode === null) writer.child.kill('SIGKILL')
    await writer.exited
  }
  await cleanup()
})

function start(options: Parameters<typeof spawnRegistryWriter>[0]): WriterProcess {
  const writer = spawnRegistryWriter(options)
  writers.push(writer)
  return writer
}

describe('two processes writing at once', () => {
  it('keep all 200 accounts when each adds 100 at the same time', { timeout: 30_000 }, async () => {
    const a = start({ dir, count: 100, prefix: 'a' })
    const b = start({ dir, count: 100, prefix: 'b' })
    const [exitA, exitB] = await Promise.all([a.exited, b.exited])
    expect(exitA, a.stderr()).toEqual({ code: 0, signal: null })
    expect(exitB, b.stderr()).toEqual({ code: 0, signal: null })

    const snapshot = await new AccountRegistry({ dir }).read()
    expect(snapshot.accounts).toHaveLength(200)
    expect(new Set(snapshot.accounts.map((x) => x.id))).toEqual(new Set([...a.ids, ...b.ids]))
    expect(snapshot.accounts.map((x) => x.order)).toEqual([...Array(200).keys()])
  })
})

describe('the lock', () => {
  it('makes a writer wait for a live holder and then fail with a sentence, not hang', async () => {
    const holder = start({ dir, count: 0, prefix: 'h', hold: true })
    await holder.waitForLines(1)
    const registry = new AccountRegistry({ dir, lockWaitMs: 300 })
    const started = Date.now()
    const error = await registry.update(() => undefined).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RegistryError)
    expect((error as RegistryError).code).toBe('locked')
    expect((error as RegistryError).message).toMatch(/^Another Latchkey process kept the account list busy/)
    expect(Date.now() - started).toBeGreaterThanOrEqual(300)
  })

  it('is taken over once stale when its holder was killed', { timeout: 15_000 }, async () => {
    const holder = start({ dir, count: 0, prefix: 'h', hold: true, staleLockMs: 2000 })
    await holder.waitForLines(1)
    holder.child.kill('SIGKILL')
    await holder.exited
    const registry = new AccountRegistry({ dir, staleLockMs: 2000, lockWaitMs: 10_000 })
    const started = Date.now()
    const { snapshot } = await registry.update((draft) => addAccount(draft, newAccountInput()))
    const waited = Date.now() - started
    expect(snapshot.accounts).toHaveLength(1)
    // Not before the lock went stale, and not much after (the lock's time is dated up to 1 s ahead).
    expect(waited).toBeGreaterThan(1500)
    expect(waited).toBeLessThan(5000)
  })
})
