/**
 * The SessionService as the command line builds it: the same data folder as the app, the OS
 * keychain for tokens, the browser opened for SSO.
 *
 * `LATCHKEY_SECRET_STORE=memory` is a switch for tests only: tokens live in this process's memory
 * and are gone when the command ends, so the next command finds the account signed out. It is
 * never the default, it accepts no other value, and every command run with it says so on stderr,
 * so it cannot be mistaken for normal use.
 */
import { hostname } from 'node:os'
import { dataDir } from '../main/accounts/paths'
import { createSessionService, type SessionService } from '../main/service'
import { MemorySecretStore } from '../main/accounts'
import { CliError } from './cli-error'
import { makeOpenExternal } from './open-browser'
import type { CliIo } from './program'

const SECRET_STORE_SWITCH = 'LATCHKEY_SECRET_STORE'
/** The keychain service name (default 'Latchkey'); tests use their own so they never touch real entries. */
const KEYCHAIN_SERVICE_VARIABLE = 'LATCHKEY_KEYCHAIN_SERVICE'

export async function createCliService(io: CliIo): Promise<SessionService> {
  const mode = io.env[SECRET_STORE_SWITCH]
  let secrets: MemorySecretStore | undefined
  if (mode !== undefined && mode !== '') {
    if (mode !== 'memory') {
      throw new CliError('usage', `${SECRET_STORE_SWITCH} accepts only "memory" (a test switch); unset it to use the keychain.`)
    }
    io.stderr.write(`${SECRET_STORE_SWITCH}=memory: tokens are kept in memory only and are lost when this command ends (a switch for tests).\n`)
    secrets = new MemorySecretStore()
  }
  return createSessionService({
    dataDir: dataDir(io.env),
    ...(secrets ? { secrets } : {}),
    ...(io.env[KEYCHAIN_SERVICE_VARIABLE] ? { keychainService: io.env[KEYCHAIN_SERVICE_VARIABLE] } : {}),
    openExternal: makeOpenExternal(io.stderr, io.env),
    deviceName: `Latchkey CLI on ${hostname()}`,
    // A command lasts a moment: watching accounts.json for other processes gains it nothing.
    watchAccounts: false,
  })
}
