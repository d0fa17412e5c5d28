/** Small factories for tests of the accounts layer and of the layers above it. */
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { NewAccount } from '../../src/main/accounts/operations'

let sequence = 0

/** A valid new account on example.org, unique within the process unless overridden. */
export function newAccountInput(overrides: Partial<NewAccount> = {}): NewAccount {
  sequence++
  return {
    userId: `@user${sequence}:example.org`,
    homeserverUrl: 'https://matrix.example.org',
    serverName: 'example.org',
    deviceId: `DEVICE${sequence}`,
    authApi: 'legacy',
    ...overrides,
  }
}

/** A fresh, empty data folder and a function that removes it. */
export async function tempDataDir(prefix = 'latchkey-accounts-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix))
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}
