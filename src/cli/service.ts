/**
 * The SessionService as the command line builds it: the same data folder as the app, the OS
 * keychain for tokens, the browser opened for SSO. Loaded only by the commands that need it
 * (see command-kit.ts): it brings the network stack and the keychain with it.
 *
 * The keychain is opened while the service's modules load (for `check`, by the entry, before the
 * program's load too: `openKeychainEarly`), and the secrets a command will need (`readAhead`:
 * `check` names every account) are read as soon as they have (issue 13 §2).
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

// The keychain the entry began to open for `check`, until the service takes it over.
let early: { service: string | undefined; opening: Promise<OpenedSecretStore> } | undefined

/**
 * For the entry, before the program loads (`check` only): keytar's native module loads and the
 * keychain's first call goes out now. That call opens the D-Bus connection and takes 15–45 ms
 * here, which the program's and the service's modules then overlap. Answers once the call is on
 * its way. Under the memory switch, or a bad value of it, nothing starts: the command says so, as
 * it always does.
 */
export async function openKeychainEarly(env: NodeJS.ProcessEnv): Promise<void> {
  try {
    if (memorySwitchOn(env)) return
  } catch {
    return
  }
  const keytar = loadKeytar()
  early = { service: env[KEYCHAIN_SERVICE_VARIABLE], opening: openStore(env, keytar) }
  await keytar.catch(() => undefined)
}

export async function createCliService(io: CliIo, hints: ServiceHints = {}): Promise<SessionService> {
  const memory = memorySwitchOn(io.env)
  const taken = !memory && early?.service === io.env[KEYCHAIN_SERVICE_VARIABLE] ? early?.opening : undefined
  early = undefined
  let opening = taken
  if (!opening) {
    // keytar's native module loads, and the keychain's probe goes out (its first call opens the
    // D-Bus connection), before the service's modules load.
    const keytar = memory ? undefined : loadKeytar()
    await keytar?.catch(() => undefined)
    opening = openStore(io.env, keytar)
  }
  const { createSessionService, defaultClientInformation } = await import('../main/service')
  const { store, notice } = await opening
  // Now that the modules have loaded: read earlier, the tokens came sooner but the check ended no
  // sooner (measured), since the connections' handshakes take longer still. They are answered
  // while the service starts.
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
async function openStore(env: NodeJS.ProcessEnv, keytar: Promise<KeytarLike> | undefined): Promise<OpenedSecretStore> {
  if (!keytar) return { store: new MemorySecretStore() }
  const service = env[KEYCHAIN_SERVICE_VARIABLE]
  const opened = await openSecretStore({ ...(service ? { service } : {}), loadKeytar: () => keytar })
  return opened.notice ? opened : { store: new ReadAheadSecretStore(opened.store) }
}
