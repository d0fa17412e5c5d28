/**
 * The SessionService as the command line builds it: the same data folder as the app, the OS
 * keychain for tokens, the browser opened for SSO. Loaded only by the commands that need it
 * (see command-kit.ts): it brings the network stack and the keychain with it.
 *
 * With the test switch `LATCHKEY_SECRET_STORE=memory` (./secret-store-switch.ts) tokens are kept
 * in memory; the command kit has already checked the switch and said so on stderr.
 */
import { hostname } from 'node:os'
import { dataDir } from '../main/accounts/paths'
import { createSessionService, defaultClientInformation, type SessionService } from '../main/service'
import { MemorySecretStore } from '../main/accounts'
import type { CliIo } from './command-kit'
import { makeOpenExternal } from './open-browser'
import { memorySwitchOn } from './secret-store-switch'

/** The keychain service name (default 'Latchkey'); tests use their own so they never touch real entries. */
const KEYCHAIN_SERVICE_VARIABLE = 'LATCHKEY_KEYCHAIN_SERVICE'

export async function createCliService(io: CliIo): Promise<SessionService> {
  const secrets = memorySwitchOn(io.env) ? new MemorySecretStore() : undefined
  return createSessionService({
    dataDir: dataDir(io.env),
    ...(secrets ? { secrets } : {}),
    ...(io.env[KEYCHAIN_SERVICE_VARIABLE] ? { keychainService: io.env[KEYCHAIN_SERVICE_VARIABLE] } : {}),
    openExternal: makeOpenExternal(io.stderr, io.env),
    deviceName: `Latchkey CLI on ${hostname()}`,
    clientInformation: defaultClientInformation('Latchkey CLI'),
    // A command lasts a moment: watching accounts.json for other processes gains it nothing.
    watchAccounts: false,
  })
}
