/**
 * The inter-process lock around accounts.json: the desktop app and the command line may write at
 * the same moment. The lock is a folder (mkdir is atomic everywhere) whose mtime its holder
 * refreshes every `staleMs / 2`; a lock whose mtime is older than `staleMs` belongs to a process
 * that died (kill -9, power loss) and is taken over.
 *
 * The protocol is proper-lockfile's (the same folder, the same staleness rule), written here in a
 * few lines because that package and graceful-fs cost every command that writes the list ~9 ms
 * of start-up. Times are whole seconds, so a file system that keeps coarse mtimes reads back what
 * was written.
 */
import { mkdirSync, rmdirSync, utimesSync } from 'node:fs'
import { rmdir, stat, utimes } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { describeFsError, RegistryError } from './errors'

export interface LockOptions {
  /** The folder the lock guards, and the lock's own path (a folder beside accounts.json). */
  dir: string
  lockPath: string
  /** A lock untouched for this long is stale (at least 2000 ms). */
  staleMs: number
  /** How long to wait for a live holder before giving up with `RegistryError('locked')`. */
  waitMs: number
}

export interface HeldLock {
  /** True once the lock was found taken over or gone (we were too slow to refresh it). */
  readonly lost: boolean
  release(): Promise<void>
}

const STALE_FLOOR_MS = 2000

export async function acquireLock(options: LockOptions): Promise<HeldLock> {
  const staleMs = Math.max(options.staleMs, STALE_FLOOR_MS)
  const deadline = Date.now() + options.waitMs
  // Short, jittered polls: a write holds the lock for a few milliseconds, so waiting long between
  // tries would only add latency. The wait is bounded by time, not by a count.
  let pause = 2
  for (;;) {
    let mtime: Date | null
    try {
      mtime = await tryLock(options.lockPath, staleMs)
    } catch (error) {
      throw new RegistryError(
        'unwritable',
        `Latchkey cannot lock its account list in ${options.dir} (${describeFsError(error)}).`,
        { cause: error },
      )
    }
    if (mtime) return hold(options.lockPath, mtime, staleMs)
    if (Date.now() >= deadline) {
      throw new RegistryError(
        'locked',
        `Another Latchkey process kept the account list busy for more than ${Math.round(options.waitMs / 1000)} s. Try again; a lock left by a process that died clears itself within ${Math.round(staleMs / 1000)} s.`,
      )
    }
    await sleep(pause * (0.5 + Math.random()))
    pause = Math.min(pause * 2, 50)
  }
}

/** The lock's mtime when this call took it; null when a live holder has it. */
async function tryLock(lockPath: string, staleMs: number, mayTakeOver = true): Promise<Date | null> {
  try {
    // Inline, as atomic-write.ts explains: a folder made and dated takes microseconds.
    mkdirSync(lockPath)
    const mtime = wholeSecondNow()
    utimesSync(lockPath, mtime, mtime)
    return mtime
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  if (!mayTakeOver) return null
  let held: Date
  try {
    held = (await stat(lockPath)).mtime
  } catch (error) {
    // Released between our mkdir and our stat: try once more, without taking anything over.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return tryLock(lockPath, staleMs, false)
    throw error
  }
  if (held.getTime() >= Date.now() - staleMs) return null
  // Stale: its holder died. Remove it and take it, once; whoever else raced us for it wins or loses
  // at the mkdir, which only one process can win.
  try {
    await rmdir(lockPath)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  return tryLock(lockPath, staleMs, false)
}

/** Keeps the lock fresh until released; notices when someone else took it over. */
function hold(lockPath: string, taken: Date, staleMs: number): HeldLock {
  const state = { lost: false, released: false, mtime: taken, lastRefresh: Date.now() }
  let timer: NodeJS.Timeout | undefined
  const schedule = (delay: number): void => {
    timer = setTimeout(() => void refresh(), delay)
    // A lock must never keep a process alive on its own.
    timer.unref()
  }
  const refresh = async (): Promise<void> => {
    if (state.released || state.lost) return
    try {
      const current = (await stat(lockPath)).mtime
      if (current.getTime() !== state.mtime.getTime()) {
        state.lost = true
        return
      }
      const next = wholeSecondNow()
      await utimes(lockPath, next, next)
      state.mtime = next
      state.lastRefresh = Date.now()
      schedule(staleMs / 2)
    } catch (error) {
      // Gone (another process removed it as stale) is lost at once; a failing file system is lost
      // once the lock may look stale to another process, and tried again until then.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || state.lastRefresh + staleMs < Date.now()) state.lost = true
      else schedule(1000)
    }
  }
  schedule(staleMs / 2)
  return {
    get lost() {
      return state.lost
    },
    release: async () => {
      if (state.released) return
      state.released = true
      clearTimeout(timer)
      if (state.lost) return
      try {
        rmdirSync(lockPath)
      } catch {
        // Already gone: nothing is left to remove.
      }
    },
  }
}

function wholeSecondNow(): Date {
  return new Date(Math.ceil(Date.now() / 1000) * 1000)
}
