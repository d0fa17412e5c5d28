/** `latchkey add <server> <user>`: sign in with a password and add the account. */
import {
  ALLOW_PLAIN_HTTP_HELP,
  passwordPrompt,
  TRUST_SERVER_HELP,
  type JsonOption,
  type PlainHttpOption,
  type RegisterCommand,
  type TrustOption,
} from '../command-kit'
import { CliError } from '../cli-error'
import { accountName } from '../format'

interface AddOptions extends JsonOption, PlainHttpOption, TrustOption {
  email?: boolean
  phone?: string
  passwordStdin?: boolean
  deviceName?: string
}

export const register: RegisterCommand = (program, kit) => {
  program
    .command('add')
    .description('Sign in with a password and add the account. The password is asked for on the terminal (echo off) or read from standard input with --password-stdin; never give it on the command line.')
    .argument('<server>', 'server name or URL, e.g. example.org')
    .argument('<user>', 'user name or user id (@name:server); with --email an address, with --phone a number')
    .option('--email', '<user> is an e-mail address')
    .option('--phone <country>', '<user> is a phone number; give its two-letter country code')
    .option('--password-stdin', 'read the password from standard input')
    .option('--device-name <name>', 'the name this session shows in device lists')
    .option('--allow-plain-http', ALLOW_PLAIN_HTTP_HELP)
    .option('--trust-server <host>', TRUST_SERVER_HELP)
    .option('--json', 'print JSON')
    .action(async (server: string, user: string, opts: AddOptions) => {
      if (opts.email && opts.phone) throw new CliError('usage', 'Choose either --email or --phone, not both.')
      const identifier = opts.email
        ? ({ kind: 'email', address: user } as const)
        : opts.phone
          ? ({ kind: 'phone', country: opts.phone.toUpperCase(), phone: user } as const)
          : ({ kind: 'user', user } as const)
      const svc = await kit.service()
      // The question names the host the password goes to, which only discovery knows.
      const prompt = opts.passwordStdin ? '' : passwordPrompt(user, (await svc.discover({ server })).baseUrl)
      const password = await kit.readPassword(opts, prompt)
      const account = await kit.withPlainHttpConsent(opts, (allow) =>
        kit.withTrust(opts, (trust) =>
          svc.addWithPassword({
            server,
            identifier,
            password,
            ...(opts.deviceName === undefined ? {} : { deviceName: opts.deviceName }),
            ...allow,
            ...trust,
          }),
        ),
      )
      kit.print(opts, account, () => `Added ${accountName(account)} (device ${account.deviceId}) as account ${account.id}.`)
    })
}
