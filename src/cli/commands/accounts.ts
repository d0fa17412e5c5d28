/** `latchkey accounts`: the list from accounts.json, without the keychain or the network. */
import type { CommandKit, JsonOption, RegisterCommand } from '../command-kit'
import { formatAccounts } from '../format'

export const register: RegisterCommand = (program, kit: CommandKit) => {
  program
    .command('accounts')
    .description('List the accounts, marking the active one with *.')
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption) => {
      const snapshot = await (await kit.accountFile()).list()
      kit.print(opts, snapshot, () => formatAccounts(snapshot))
    })
}
