/** `latchkey check`: ask every account's server whether its session is still valid, and name new devices. */
import { checkEarly } from '../check-early'
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
      // Each server's connections are opened first (the entry has done so already), and every token
      // is read from the keychain while the service loads: both from accounts.json as it is.
      const early = checkEarly(kit.io.env)
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
