/**
 * Crash safety: a writer killed with SIGKILL at any instant leaves an accounts.json that parses
 * and holds every account whose write had returned.
 */
import { readdir, readFile, rm } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addAccount } from './operations'
import { AccountRegistry } from './registry'
import { checkSnapshot } from './validate'
import { newAccountInput, tempDataDir } from '../../../test/accounts/factories'
import { spawnRegistryWriter } from '../../../test/accounts/spawn-writer'

const ROUNDS = 10
const WRITES_PER_WRITER = 200

let dir: string
let cleanup: () => Promise<void>
beforeAll(async () => {
  ;({ dir, cleanup } = await tempDataDir('latchkey-crash-'))
})
afterAll(async () => {
  await cleanup()
})

// Each round starts a writer process (tsx): on a loaded machine that alone takes seconds, hence the long timeout.
describe('a writer killed with SIGKILL', () => {
  it(`never leaves a torn file nor loses a returned write, over ${ROUNDS} kills at random points`, { timeout: 120_000 }, async () => {
    const returned: string[] = []
    const killedAfter: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      const writer = spawnRegistryWriter({ dir, count: WRITES_PER_WRITER, prefix: `r${round}`, staleLockMs: 2000 })
      // Kill it somewhere in the middle of its 200 writes: after a random number of them has
      // returned (counted, not timed, so that a faster write cannot finish them all first), then a
      // random moment into the next one (a write takes a millisecond or more: two fsyncs).
      await writer.waitForLines(1 + Math.floor(Math.random() * (WRITES_PER_WRITER / 2)))
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 3))
      writer.child.kill('SIGKILL')
      const { signal } = await writer.exited
      expect(signal, `round ${round} finished all its writes before the kill: ${writer.stderr()}`).toBe('SIGKILL')
      killedAfter.push(writer.ids.length)
      returned.push(...writer.ids)

      const checked = checkSnapshot(JSON.parse(await readFile(path.join(dir, 'accounts.json'), 'utf8')))
      if (!checked.ok) throw new Error(`accounts.json lost its layout after round ${round}`)
      expect(checked.issues, `accounts.json after round ${round}`).toEqual([])
      const file = checked.snapshot
      const saved = new Set(file.accounts.map((account) => account.id))
      expect(returned.filter((id) => !saved.has(id)), `accounts lost after round ${round}`).toEqual([])
      // At most the one write in flight at the kill may be in the file without having been printed.
      expect(file.accounts.length - returned.length).toBeGreaterThanOrEqual(0)
      expect(file.accounts.length - returned.length).toBeLessThanOrEqual(round + 1)

      // The killed writer most likely held the lock. Taking over a stale lock costs 2-3 s per round
      // and has its own test (registry.concurrency.test.ts); here the next writer starts at once.
      await rm(path.join(dir, 'accounts.json.lock'), { recursive: true, force: true })
    }
    expect(killedAfter.some((n) => n > 1)).toBe(true)

    // The next write sweeps the temporary files the killed writers may have left.
    const registry = new AccountRegistry({ dir })
    await registry.update((draft) => addAccount(draft, newAccountInput()))
    expect((await readdir(dir)).filter((name) => name.endsWith('.tmp'))).toEqual([])
    expect(registry.lastCorruption).toBeNull()
  })
})
