import { mkdir, readdir, rmdir, stat, utimes } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { acquireLock } from './lock'
import { tempDataDir } from '../../../test/accounts/factories'

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => {
  ;({ dir, cleanup } = await tempDataDir('latchkey-lock-'))
})
afterEach(async () => {
  await cleanup()
})

const lockPath = () => path.join(dir, 'accounts.json.lock')
const options = (overrides: Partial<Parameters<typeof acquireLock>[0]> = {}) => ({ dir, lockPath: lockPath(), staleMs: 2000, waitMs: 200, ...overrides })

describe('the account-list lock', () => {
  it('is a folder while held and gone once released', async () => {
    const lock = await acquireLock(options())
    expect((await stat(lockPath())).isDirectory()).toBe(true)
    await lock.release()
    expect(await readdir(dir)).toEqual([])
  })

  it('is refused to a second taker while held, with the locked sentence', async () => {
    const lock = await acquireLock(options())
    await expect(acquireLock(options())).rejects.toMatchObject({ code: 'locked' })
    await lock.release()
    await (await acquireLock(options())).release()
  })

  it('is taken over when its time is older than the stale limit', async () => {
    await mkdir(lockPath())
    const old = new Date(Date.now() - 10_000)
    await utimes(lockPath(), old, old)
    const lock = await acquireLock(options())
    expect((await stat(lockPath())).mtime.getTime()).toBeGreaterThan(old.getTime())
    await lock.release()
  })

  it('is kept fresh while held, so another process never takes it over', { timeout: 10_000 }, async () => {
    const lock = await acquireLock(options())
    const first = (await stat(lockPath())).mtime.getTime()
    await new Promise((resolve) => setTimeout(resolve, 2600))
    expect((await stat(lockPath())).mtime.getTime()).toBeGreaterThan(first)
    await expect(acquireLock(options())).rejects.toMatchObject({ code: 'locked' })
    expect(lock.lost).toBe(false)
    await lock.release()
  })

  it('says it was lost when another process removed it or took it over', { timeout: 10_000 }, async () => {
    const removed = await acquireLock(options())
    await rmdir(lockPath())
    await new Promise((resolve) => setTimeout(resolve, 1300))
    expect(removed.lost).toBe(true)
    await removed.release()

    const taken = await acquireLock(options())
    const other = new Date(Date.now() + 60_000)
    await utimes(lockPath(), other, other)
    await new Promise((resolve) => setTimeout(resolve, 1300))
    expect(taken.lost).toBe(true)
    await taken.release()
    // A lost lock is not removed on release: it is someone else's now.
    expect((await stat(lockPath())).isDirectory()).toBe(true)
  })
})
