/** `latchkey logout`: sign the account out on its server, then remove it and its token. */
import { ACCOUNT_HELP, type AccountOption, type JsonOption, type RegisterCommand } from '../command-kit'
import { EXIT } from '../exit-codes'

export const register: RegisterCommand = (program, kit) => {
  program
    .command('logout')
    .description('Sign the account out on its server, then remove it and its token. When the server cannot be reached the account stays as pending-logout and the next check retries (exit code 10).')
    .option('--account <ref>', ACCOUNT_HELP)
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption & AccountOption) => {
      const { svc, account } = await kit.selected(opts)
      const result = await svc.logout({ accountId: account.id })
      kit.print(opts, result, () => result.message)
      if (result.outcome === 'pending-logout') kit.setExitCode(EXIT.pending)
    })
}
