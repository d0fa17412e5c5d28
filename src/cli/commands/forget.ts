/**
 * `latchkey forget`: remove an account and its token from this machine without signing it out.
 * The question is asked from accounts.json alone; the keychain is opened only once it is answered.
 */
import { ACCOUNT_HELP, type AccountOption, type JsonOption, type RegisterCommand, type YesOption } from '../command-kit'

export const register: RegisterCommand = (program, kit) => {
  program
    .command('forget')
    .description('Remove an account and its token from this machine WITHOUT signing it out on the server (its session stays valid there).')
    .option('--account <ref>', ACCOUNT_HELP)
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption & AccountOption & YesOption) => {
      const account = await kit.selectedFromFile(opts)
      await kit.confirmUnlessYes(opts, `Forget ${account.userId} without signing it out on the server?`, 'Nothing was forgotten.')
      const snapshot = await (await kit.service()).forget({ accountId: account.id })
      kit.print(opts, snapshot, () => `Forgot ${account.userId}; its session on ${account.serverName} was not signed out.`)
    })
}
