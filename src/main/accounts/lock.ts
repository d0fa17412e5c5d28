/**
 * The inter-process lock around accounts.json: the desktop app and the command line may write at
 * the same moment. proper-lockfile makes the lock a folder (mkdir is atomic everywhere) whose
 * mtime its holder refreshes; a lock whose mtime is older than `staleMs` belongs to a process that
 * died (kill -9, power loss) and is taken over.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { describeFsError, RegistryError } from './errors'

export interface LockOptions {
  /** The folder the lock guards, and the lock's own path (a folder beside accounts.json). */
  dir: string
  lockPath: string
  /** A lock untouched for this long is stale (proper-lockfile's floor is 2000 ms). */
  staleMs: number
  /** How long to wait for a live holder before giving up with `RegistryError('locked')`. */
  waitMs: number
}

export interface HeldLock {
  /** True once proper-lockfile reports the lock taken over (we were too slow to refresh it). */
  readonly lost: boolean
  release(): Promise<void>
}

export async function acquireLock(options: LockOptions): Promise<HeldLock> {
  // Loaded on the first write, not at import: reading the list (every CLI command) never locks.
  const { default: lockfile } = await import('proper-lockfile')
  const deadline = Date.now() + options.waitMs
  // Short, jittered polls: a write holds the lock for a few milliseconds, so waiting long between
  // tries would only add latency. proper-lockfile's own retry is not used so the wait is bounded
  // by time, not by a count.
  let pause = 2
  for (;;) {
    const state = { lost: false }
    try {
      const release = await lockfile.lock(options.dir, {
        lockfilePath: options.lockPath,
        realpath: false,
        stale: options.staleMs,
        retries: 0,
        onCompromised: () => {
          state.lost = true
        },
      })
      return {
        get lost() {
          return state.lost
        },
        release: async () => {
          try {
            await release()
          } catch {
            // Already released because it was compromised: nothing is left to remove.
          }
        },
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') {
        throw new RegistryError(
          'unwritable',
          `Latchkey cannot lock its account list in ${options.dir} (${describeFsError(error)}).`,
          { cause: error },
        )
      }
      if (Date.now() >= deadline) {
        throw new RegistryError(
          'locked',
          `Another Latchkey process kept the account list busy for more than ${Math.round(options.waitMs / 1000)} s. Try again; a lock left by a process that died clears itself within ${Math.round(options.staleMs / 1000)} s.`,
        )
      }
      await sleep(pause * (0.5 + Math.random()))
      pause = Math.min(pause * 2, 50)
    }
  }
}
