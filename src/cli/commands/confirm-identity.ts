/**
 * `latchkey confirm-identity`: the person says they reset an account's verification identity
 * themselves. The warning goes, the new identity is remembered, and the sessions it signed are
 * called verified again (until then none is: issue 11 §2).
 */
import { ACCOUNT_HELP, type AccountOption, type JsonOption, type RegisterCommand, type YesOption } from '../command-kit'

export const register: RegisterCommand = (program, kit) => {
  program
    .command('confirm-identity')
    .description(
      "Say you reset an account's verification identity yourself, after `check` or `review` warned that it changed. Until then Latchkey calls none of that account's sessions verified.",
    )
    .option('--account <ref>', ACCOUNT_HELP)
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption & AccountOption & YesOption) => {
      const account = await kit.selectedFromFile(opts)
      if (!account.identityChangedAt) {
        kit.print(opts, { accountId: account.id, confirmed: false }, () => `The verification identity of ${account.userId} has not changed since Latchkey first saw it; there is nothing to confirm.`)
        return
      }
      await kit.confirmUnlessYes(
        opts,
        `Did you reset the verification identity of ${account.userId} yourself, on ${account.identityChangedAt.slice(0, 10)}?`,
        'Nothing was confirmed; its sessions stay unverified until you do.',
      )
      await (await kit.service()).acknowledgeIdentity({ accountId: account.id })
      kit.print(opts, { accountId: account.id, confirmed: true }, () => `Confirmed: the sessions the new identity of ${account.userId} signed are called verified again.`)
    })
}
