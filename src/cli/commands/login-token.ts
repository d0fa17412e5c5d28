/** `latchkey login-token <payload>`: add an account from a login code made on another device. */
import { ALLOW_PLAIN_HTTP_HELP, type JsonOption, type PlainHttpOption, type RegisterCommand } from '../command-kit'
import { readSecretFromStdin } from '../prompt'

export const register: RegisterCommand = (program, kit) => {
  program
    .command('login-token')
    .description('Add an account from a login code made on another device (latchkey://login?…, as printed by latchkey token). Give - to read it from standard input.')
    .argument('<payload>', 'the latchkey://login?… code, a bare token with --server, or -')
    .option('--server <server>', 'the server, when <payload> is a bare token')
    .option('--allow-plain-http', ALLOW_PLAIN_HTTP_HELP)
    .option('--json', 'print JSON')
    .action(async (payload: string, opts: JsonOption & PlainHttpOption & { server?: string }) => {
      const text = payload === '-' ? await readSecretFromStdin(kit.io.stdin, 'login code') : payload
      const svc = await kit.service()
      const account = await kit.withPlainHttpConsent(opts, (allow) =>
        svc.addWithLoginToken({
          payload: text,
          ...(opts.server === undefined ? {} : { server: opts.server }),
          ...allow,
        }),
      )
      kit.print(opts, account, () => `Added ${account.userId} (device ${account.deviceId}) as account ${account.id}.`)
    })
}
