/**
 * `latchkey login-token`: add an account from a login code made on another device. The code is a
 * secret until it is used, so it is read the way passwords are: from standard input, or asked for
 * on the terminal without echo. On the command line (--code) any other user of the computer could
 * read it in the process list; the option's help says so.
 */
import {
  ALLOW_PLAIN_HTTP_HELP,
  TRUST_SERVER_HELP,
  type JsonOption,
  type PlainHttpOption,
  type RegisterCommand,
  type TrustOption,
} from '../command-kit'
import { CliError } from '../cli-error'
import { accountName } from '../format'
import { promptSecret, readSecretFromStdin } from '../prompt'

interface LoginTokenOptions extends JsonOption, PlainHttpOption, TrustOption {
  server?: string
  code?: string
}

export const register: RegisterCommand = (program, kit) => {
  program
    .command('login-token')
    .description('Add an account from a login code made on another device (latchkey://login?…, as printed by latchkey token). The code is read from standard input, or asked for on the terminal without showing it.')
    .argument('[-]', 'read the code from standard input (the default)')
    .option('--code <code>', 'give the code on the command line instead; other users of this computer can read it in the process list while the command runs')
    .option('--server <server>', 'the server, when the code is a bare token')
    .option('--allow-plain-http', ALLOW_PLAIN_HTTP_HELP)
    .option('--trust-server <host>', TRUST_SERVER_HELP)
    .option('--json', 'print JSON')
    .action(async (positional: string | undefined, opts: LoginTokenOptions) => {
      if (positional !== undefined && positional !== '-') {
        throw new CliError(
          'usage',
          'A login code on the command line can be read by other users of this computer in the process list: pipe it in, type it when asked, or pass it with --code if that is acceptable.',
        )
      }
      const { stdin, stderr } = kit.io
      const text =
        opts.code ??
        (stdin.isTTY && positional === undefined
          ? await promptSecret('Login code (not shown): ', stdin, stderr, 'login code')
          : await readSecretFromStdin(stdin, 'login code'))
      const svc = await kit.service()
      const account = await kit.withPlainHttpConsent(opts, (allow) =>
        kit.withTrust(opts, (trust) =>
          svc.addWithLoginToken({
            payload: text,
            ...(opts.server === undefined ? {} : { server: opts.server }),
            ...allow,
            ...trust,
          }),
        ),
      )
      kit.print(opts, account, () => `Added ${accountName(account)} (device ${account.deviceId}) as account ${account.id}.`)
    })
}
