/** `latchkey check`: ask every account's server whether its session is still valid. */
import type { JsonOption, RegisterCommand } from '../command-kit'
import { EXIT, exitCodeForStatuses } from '../exit-codes'
import { formatAccounts } from '../format'

export const register: RegisterCommand = (program, kit) => {
  program
    .command('check')
    .description('Ask every account\'s server whether its session is still valid, and list the statuses. Also retries pending logouts. Exits 8 when an account needs attention, 4 when a server could not be reached, 10 when a logout is still pending, 9 when no keychain answered (those accounts are kept unchecked).')
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption) => {
      // Each server's connections are opened first, so their handshakes overlap the keychain's start.
      const { accounts } = await (await kit.accountFile()).list()
      const { preconnect } = await import('../../main/matrix')
      const perServer = new Map<string, number>()
      for (const a of accounts) perServer.set(a.homeserverUrl, (perServer.get(a.homeserverUrl) ?? 0) + 1)
      for (const [url, count] of perServer) preconnect(url, count)
      const snapshot = await (await kit.service()).checkAll(undefined)
      kit.print(opts, snapshot, () => formatAccounts(snapshot))
      // No keychain answered, so some tokens could not be looked for: those accounts were kept unchecked.
      kit.setExitCode(snapshot.keychainUnread?.length ? EXIT.storage : exitCodeForStatuses(snapshot.accounts.map((a) => a.status)))
    })
}
