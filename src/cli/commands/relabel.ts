/** `latchkey relabel [label]`: a label and colour of the person's own (accounts.json only, no keychain). */
import { ACCOUNT_HELP, type AccountOption, type JsonOption, type RegisterCommand } from '../command-kit'
import { accountName } from '../format'

export const register: RegisterCommand = (program, kit) => {
  program
    .command('relabel')
    .description('Give an account a label (and colour) of your own; without a label, remove it.')
    .argument('[label]', 'the label')
    .option('--account <ref>', ACCOUNT_HELP)
    .option('--color <hex>', 'a colour such as #3366ff')
    .option('--json', 'print JSON')
    .action(async (label: string | undefined, opts: JsonOption & AccountOption & { color?: string }) => {
      const account = await kit.selectedFromFile(opts)
      const updated = await (await kit.accountFile()).relabel({
        accountId: account.id,
        // A missing label would be left as it is; here, no label means "remove it".
        label: label ?? '',
        ...(opts.color === undefined ? {} : { color: opts.color }),
      })
      kit.print(opts, updated, () => `Account ${updated.id} is now ${accountName(updated)}.`)
    })
}
