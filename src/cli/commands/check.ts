/** `latchkey check`: ask every account's server whether its session is still valid, and name new devices. */
import { readFile } from 'node:fs/promises'
import { accountsFilePath, dataDir } from '../../main/accounts/paths'
import { connectionsFor, openSpares } from '../../main/matrix/spare-connections'
import { DEFAULT_TUNING } from '../../main/service/types'
import type { JsonOption, RegisterCommand } from '../command-kit'
import { EXIT, exitCodeForStatuses } from '../exit-codes'
import { formatAccounts } from '../format'
import { formatNewDevices } from './review'

export const register: RegisterCommand = (program, kit) => {
  program
    .command('check')
    .description(
      "Ask every account's server whether its session is still valid, and list the statuses. Also retries pending logouts, and names each device that signed in since the last report (once). " +
        'Exits 8 when an account needs attention, 4 when a server could not be reached, 10 when a logout is still pending, 9 when no keychain answered (those accounts are kept unchecked), 14 when a new device signed in.',
    )
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption) => {
      // Each server's connections are opened first, and every token is read from the keychain while
      // the service loads, both from accounts.json as it is, before it is checked: the handshakes
      // and the keychain's answers overlap the modules' start and the list's check.
      const early = await earlyLook(kit.io.env)
      const bounds = { perServer: DEFAULT_TUNING.checksPerHost, total: DEFAULT_TUNING.checksInFlight }
      for (const [url, count] of connectionsFor(early.servers, bounds)) openSpares(url, count)
      // One turn of the event loop, so that the connections are really asked for (Node does that in
      // its next tick) before the modules below hold this thread.
      await new Promise((resolve) => setImmediate(resolve))
      const svc = await kit.service({ readAhead: early.sessions })
      const snapshot = await svc.checkAll(undefined)
      // Each new device is answered once; the app keeps its New mark until the person looks there.
      const newDevices = await svc.takeNewDeviceReports(undefined)
      kit.print(opts, { ...snapshot, newDevices }, () => [formatAccounts(snapshot), ...(newDevices.length > 0 ? ['', formatNewDevices(newDevices)] : [])].join('\n'))
      // No keychain answered, so some tokens could not be looked for: those accounts were kept unchecked.
      const verdict = snapshot.keychainUnread?.length ? EXIT.storage : exitCodeForStatuses(snapshot.accounts.map((a) => a.status))
      kit.setExitCode(verdict === EXIT.ok && newDevices.length > 0 ? EXIT.newDevice : verdict)
    })
}

/** At most this many sessions are read ahead from the keychain; any others are read when asked for. */
const MAX_READ_AHEAD = 512

/**
 * Each homeserver in accounts.json with how many accounts it serves, and each account's session,
 * read from the file as it is, before the list is checked: only to open connections and read the
 * keychain early. A connection sends nothing, a secret read ahead stays in this process, and
 * nothing is asked of a server, nor used, that the checked list does not name.
 */
async function earlyLook(env: NodeJS.ProcessEnv): Promise<{ servers: Map<string, number>; sessions: Array<{ userId: string; deviceId: string }> }> {
  const servers = new Map<string, number>()
  const sessions: Array<{ userId: string; deviceId: string }> = []
  try {
    const file = JSON.parse(await readFile(accountsFilePath(dataDir(env)), 'utf8')) as { accounts?: unknown }
    for (const a of Array.isArray(file.accounts) ? (file.accounts as Array<Record<string, unknown> | null>) : []) {
      const { homeserverUrl, userId, deviceId } = a ?? {}
      if (typeof userId === 'string' && typeof deviceId === 'string' && sessions.length < MAX_READ_AHEAD) sessions.push({ userId, deviceId })
      if (typeof homeserverUrl !== 'string') continue
      if (!servers.has(homeserverUrl) && servers.size >= DEFAULT_TUNING.checksInFlight) continue
      servers.set(homeserverUrl, (servers.get(homeserverUrl) ?? 0) + 1)
    }
  } catch {
    // No file or no JSON: the checked list says so, with its own words.
  }
  return { servers, sessions }
}
