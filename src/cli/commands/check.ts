/** `latchkey check`: ask every account's server whether its session is still valid, and name new devices. */
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
      // the service loads, so the handshakes and the keychain's answers overlap the modules' start.
      const { accounts } = await (await kit.accountFile()).list()
      const { preconnect } = await import('../../main/matrix/http')
      const perServer = new Map<string, number>()
      for (const a of accounts) perServer.set(a.homeserverUrl, (perServer.get(a.homeserverUrl) ?? 0) + 1)
      for (const [url, count] of perServer) preconnect(url, count)
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
