/** `latchkey check`: ask every account's server whether its session is still valid, and name new devices. */
import { readFile } from 'node:fs/promises'
import { accountsFilePath, dataDir } from '../../main/accounts/paths'
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
      // Each server's connections are opened first (from the file as it is, before it is checked), and
      // every token is read from the keychain while the service loads: the handshakes and the
      // keychain's answers overlap the list's check and the modules' start.
      const [servers, { preconnect }] = await Promise.all([serversIn(kit.io.env), import('../../main/matrix/http')])
      for (const [url, count] of servers) preconnect(url, count)
      const { accounts } = await (await kit.accountFile()).list()
      const svc = await kit.service({ readAhead: accounts })
      const snapshot = await svc.checkAll(undefined)
      // Each new device is answered once; the app keeps its New mark until the person looks there.
      const newDevices = await svc.takeNewDeviceReports(undefined)
      kit.print(opts, { ...snapshot, newDevices }, () => [formatAccounts(snapshot), ...(newDevices.length > 0 ? ['', formatNewDevices(newDevices)] : [])].join('\n'))
      // No keychain answered, so some tokens could not be looked for: those accounts were kept unchecked.
      const verdict = snapshot.keychainUnread?.length ? EXIT.storage : exitCodeForStatuses(snapshot.accounts.map((a) => a.status))
      kit.setExitCode(verdict === EXIT.ok && newDevices.length > 0 ? EXIT.newDevice : verdict)
    })
}

/**
 * Each homeserver in accounts.json and how many accounts it serves, read from the file as it is,
 * before the list is checked: only to open connections early. A connection sends nothing, and
 * nothing is asked of a server that is not in the checked list.
 */
async function serversIn(env: NodeJS.ProcessEnv): Promise<Map<string, number>> {
  const servers = new Map<string, number>()
  try {
    const file = JSON.parse(await readFile(accountsFilePath(dataDir(env)), 'utf8')) as { accounts?: unknown }
    for (const a of Array.isArray(file.accounts) ? (file.accounts as Array<{ homeserverUrl?: unknown }>) : []) {
      if (typeof a?.homeserverUrl !== 'string') continue
      // As many servers as checks go out at once (DEFAULT_TUNING.checksInFlight): a damaged file cannot open thousands.
      if (!servers.has(a.homeserverUrl) && servers.size >= 128) continue
      servers.set(a.homeserverUrl, (servers.get(a.homeserverUrl) ?? 0) + 1)
    }
  } catch {
    // No file or no JSON: the checked list says so, with its own words.
  }
  return servers
}
