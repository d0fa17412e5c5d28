/** `latchkey switch <account>`: make an account the active one (accounts.json only, no keychain). */
import type { JsonOption, RegisterCommand } from '../command-kit'
import { accountName } from '../format'

export const register: RegisterCommand = (program, kit) => {
  program
    .command('switch')
    .description('Make an account the active one.')
    .argument('<account>', 'account id, user id or label')
    .option('--json', 'print JSON')
    .action(async (ref: string, opts: JsonOption) => {
      const account = await kit.selectedFromFile({ account: ref })
      const snapshot = await (await kit.accountFile()).setActive(account.id)
      kit.print(opts, snapshot, () => `Active account: ${accountName(account)}.`)
    })
}
