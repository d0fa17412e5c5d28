/** `latchkey logout-all`: sign every session of the account out, then remove it. */
import { ACCOUNT_HELP, type AccountOption, type JsonOption, type RegisterCommand, type YesOption } from '../command-kit'
import { EXIT } from '../exit-codes'

export const register: RegisterCommand = (program, kit) => {
  program
    .command('logout-all')
    .description('Sign every session of the account out on its server (all its devices), then remove the account.')
    .option('--account <ref>', ACCOUNT_HELP)
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption & AccountOption & YesOption) => {
      const { svc, account } = await kit.selected(opts)
      await kit.confirmUnlessYes(opts, `Sign out every device of ${account.userId}?`, 'Nothing was signed out.')
      const result = await svc.logoutAll({ accountId: account.id })
      kit.print(opts, result, () => result.message)
      if (result.outcome === 'pending-logout') kit.setExitCode(EXIT.pending)
    })
}
