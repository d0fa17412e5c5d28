/**
 * The SessionService as the command line builds it: the same data folder as the app, the OS
 * keychain for tokens, the browser opened for SSO. Loaded only by the commands that need it
 * (see command-kit.ts): it brings the network stack and the keychain with it.
 *
 * The keychain is opened while the service's modules load, and the secrets a command will need
 * (`readAhead`: `check` names every account) are read meanwhile (issue 13 §2).
 *
 * With the test switch `LATCHKEY_SECRET_STORE=memory` (./secret-store-switch.ts) tokens are kept
 * in memory; the command kit has already checked the switch and said so on stderr.
 */
import { hostname } from 'node:os'
import { dataDir } from '../main/accounts/paths'
import { openSecretStore, type OpenedSecretStore } from '../main/accounts/open-secret-store'
import { ReadAheadSecretStore } from '../main/accounts/read-ahead'
import { MemorySecretStore, secretKey } from '../main/accounts/secrets'
import type { SessionService } from '../main/service'
import type { CliIo, ServiceHints } from './command-kit'
import { cliEventCheck } from './events'
import { makeOpenExternal } from './open-browser'
import { memorySwitchOn } from './secret-store-switch'

/** The keychain service name (default 'Latchkey'); tests use their own so they never touch real entries. */
const KEYCHAIN_SERVICE_VARIABLE = 'LATCHKEY_KEYCHAIN_SERVICE'

export async function createCliService(io: CliIo, hints: ServiceHints = {}): Promise<SessionService> {
  const [{ createSessionService, defaultClientInformation }, { store, notice }] = await Promise.all([
    import('../main/service'),
    openStore(io, hints),
  ])
  return createSessionService({
    dataDir: dataDir(io.env),
    secrets: store,
    ...(notice ? { secretsNotice: notice } : {}),
    openExternal: makeOpenExternal(io.stderr, io.env),
    deviceName: `Latchkey CLI on ${hostname()}`,
    clientInformation: defaultClientInformation('Latchkey CLI'),
    // A command lasts a moment: watching accounts.json for other processes gains it nothing.
    watchAccounts: false,
    checkEvent: cliEventCheck,
  })
}

async function openStore(io: CliIo, hints: ServiceHints): Promise<OpenedSecretStore> {
  if (memorySwitchOn(io.env)) return { store: new MemorySecretStore() }
  const service = io.env[KEYCHAIN_SERVICE_VARIABLE]
  const opened = await openSecretStore(service ? { service } : {})
  const store = new ReadAheadSecretStore(opened.store)
  store.readAhead((hints.readAhead ?? []).map((s) => secretKey(s.userId, s.deviceId)))
  return { ...opened, store }
}
