/**
 * The SessionService as the command line builds it: the same data folder as the app, the OS
 * keychain for tokens, the browser opened for SSO. Loaded only by the commands that need it
 * (see command-kit.ts): it brings the network stack and the keychain with it.
 *
 * The keychain is opened while the service's modules load, and the secrets a command will need
 * (`readAhead`: `check` names every account) are read as soon as they have (issue 13 §2).
 *
 * With the test switch `LATCHKEY_SECRET_STORE=memory` (./secret-store-switch.ts) tokens are kept
 * in memory; the command kit has already checked the switch and said so on stderr.
 */
import { hostname } from 'node:os'
import { dataDir } from '../main/accounts/paths'
import type { KeytarLike } from '../main/accounts/keytar-store'
import { loadKeytar, openSecretStore, type OpenedSecretStore } from '../main/accounts/open-secret-store'
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
  // keytar's native module loads, and the keychain's probe goes out (its first call opens the
  // D-Bus connection), before the service's modules load.
  const keytar = memorySwitchOn(io.env) ? undefined : loadKeytar()
  await keytar?.catch(() => undefined)
  const opening = openStore(io, keytar)
  const { createSessionService, defaultClientInformation } = await import('../main/service')
  const { store, notice } = await opening
  // Only now: keytar's calls wait in libuv's thread pool, where the modules above are read from
  // disk, so a hundred reads queued earlier would hold those up. They are answered while the
  // service starts and the connections finish their handshakes.
  if (store instanceof ReadAheadSecretStore) store.readAhead((hints.readAhead ?? []).map((s) => secretKey(s.userId, s.deviceId)))
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

/** The keychain (keytar already loading), or memory under the test switch (`keytar` undefined). */
async function openStore(io: CliIo, keytar: Promise<KeytarLike> | undefined): Promise<OpenedSecretStore> {
  if (!keytar) return { store: new MemorySecretStore() }
  const service = io.env[KEYCHAIN_SERVICE_VARIABLE]
  const opened = await openSecretStore({ ...(service ? { service } : {}), loadKeytar: () => keytar })
  return opened.notice ? opened : { store: new ReadAheadSecretStore(opened.store) }
}
