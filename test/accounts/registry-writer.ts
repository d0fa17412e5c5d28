/**
 * A child process that writes to an account registry, for the crash-safety and concurrency tests
 * (and the service's own versions of them). Run it through `spawnRegistryWriter` (spawn-writer.ts).
 *
 *   node --import tsx registry-writer.ts <dir> <count> <prefix> [--stale-ms N] [--hold]
 *
 * Adds <count> accounts `@<prefix>-<i>:example.org`, one update each, and prints each new account
 * id on its own line only after its write returned. With --hold it instead takes the lock, prints
 * "holding" and waits forever, the lock held and kept fresh as an update holds it, so a test can
 * kill a process that holds the lock.
 * Failures go to stderr as `error <code> <message>` and exit 1.
 */
import path from 'node:path'
import { RegistryError } from '../../src/main/accounts/errors'
import { acquireLock } from '../../src/main/accounts/lock'
import { addAccount } from '../../src/main/accounts/operations'
import { AccountRegistry } from '../../src/main/accounts/registry'

const [dir, countText, prefix = 'writer', ...flags] = process.argv.slice(2)
if (!dir || !countText) {
  process.stderr.write('usage: registry-writer.ts <dir> <count> <prefix> [--stale-ms N] [--hold]\n')
  process.exit(2)
}
const staleIndex = flags.indexOf('--stale-ms')
const staleLockMs = staleIndex >= 0 ? Number(flags[staleIndex + 1]) : undefined
const registry = new AccountRegistry({ dir, ...(staleLockMs ? { staleLockMs } : {}), lockWaitMs: 60_000 })

try {
  if (flags.includes('--hold')) {
    // Keeps the event loop alive: the lock's refresh timer is unref'd.
    setInterval(() => undefined, 60_000)
    // The lock an update takes (an update's change is synchronous, so it cannot wait in one).
    await acquireLock({ dir, lockPath: path.join(dir, 'accounts.json.lock'), staleMs: staleLockMs ?? 5000, waitMs: 60_000 })
    process.stdout.write('holding\n')
    await new Promise(() => undefined)
  }
  const count = Number(countText)
  for (let i = 0; i < count; i++) {
    const { result } = await registry.update((draft) =>
      addAccount(draft, {
        userId: `@${prefix}-${i}:example.org`,
        homeserverUrl: 'https://matrix.example.org',
        serverName: 'example.org',
        deviceId: `${prefix.toUpperCase()}${i}`,
        authApi: 'legacy',
      }),
    )
    process.stdout.write(`${result.id}\n`)
  }
} catch (error) {
  const code = error instanceof RegistryError ? error.code : 'internal'
  process.stderr.write(`error ${code} ${(error as Error).message}\n`)
  process.exit(1)
}
