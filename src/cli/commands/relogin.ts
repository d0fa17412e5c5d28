/** `latchkey relogin`: sign an account in again after a soft logout, keeping its device. */
import {
  ACCOUNT_HELP,
  ALLOW_PLAIN_HTTP_HELP,
  passwordPrompt,
  TRUST_SERVER_HELP,
  type AccountOption,
  type JsonOption,
  type PlainHttpOption,
  type RegisterCommand,
  type TrustOption,
} from '../command-kit'

export const register: RegisterCommand = (program, kit) => {
  program
    .command('relogin')
    .description('Sign an account in again after a soft logout, keeping its device (password on the terminal or with --password-stdin).')
    .option('--account <ref>', ACCOUNT_HELP)
    .option('--password-stdin', 'read the password from standard input')
    .option('--allow-plain-http', ALLOW_PLAIN_HTTP_HELP)
    .option('--trust-server <host>', TRUST_SERVER_HELP)
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption & AccountOption & PlainHttpOption & TrustOption & { passwordStdin?: boolean }) => {
      const { svc, account } = await kit.selected(opts)
      const password = await kit.readPassword(opts, passwordPrompt(account.userId, account.homeserverUrl))
      const updated = await kit.withPlainHttpConsent(opts, (allow) =>
        kit.withTrust(opts, (trust) => svc.reLogin({ accountId: account.id, password, ...allow, ...trust })),
      )
      kit.print(opts, updated, () => `Signed ${updated.userId} in again on device ${updated.deviceId}.`)
    })
}
