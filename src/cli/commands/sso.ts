/** `latchkey sso [server]`: sign in through single sign-on in the browser (or sign an account in again). */
import {
  ALLOW_PLAIN_HTTP_HELP,
  TRUST_SERVER_HELP,
  type AccountOption,
  type JsonOption,
  type PlainHttpOption,
  type RegisterCommand,
  type TrustOption,
} from '../command-kit'
import { CliError } from '../cli-error'
import { accountName } from '../format'
import { selectAccount } from '../select'

export const register: RegisterCommand = (program, kit) => {
  program
    .command('sso')
    .description('Sign in through the server\'s single sign-on in your browser and add the account (Ctrl+C cancels). With --account, sign that account in again on the same device.')
    .argument('[server]', 'server name or URL (not needed with --account)')
    .option('--idp <id>', 'the identity provider to use (see latchkey discover)')
    .option('--account <ref>', 'sign this account in again on its own server (after a soft logout)')
    .option('--allow-plain-http', ALLOW_PLAIN_HTTP_HELP)
    .option('--trust-server <host>', TRUST_SERVER_HELP)
    .option('--json', 'print JSON')
    .action(async (server: string | undefined, opts: JsonOption & AccountOption & PlainHttpOption & TrustOption & { idp?: string }) => {
      if (server === undefined && opts.account === undefined) {
        throw new CliError('usage', 'Name the server to sign in to, or give --account to sign an account in again.')
      }
      const svc = await kit.service()
      const account = opts.account === undefined ? undefined : selectAccount(await svc.listAccounts(undefined), opts.account)
      const signedIn = await kit.withPlainHttpConsent(opts, (allow) => kit.withTrust(opts, async (trust) => {
        const { requestId } = await svc.beginSso({
          server: server ?? account?.homeserverUrl ?? '',
          ...(opts.idp === undefined ? {} : { idpId: opts.idp }),
          ...(account === undefined ? {} : { accountId: account.id }),
          ...allow,
          ...trust,
        })
        // Listen for Ctrl+C before saying it works, so a Ctrl+C right after the line is not lost.
        const stop = kit.onInterrupt(() => {
          void svc.cancelSso({ requestId })
        })
        kit.say('Waiting for the browser to come back (Ctrl+C cancels)…')
        try {
          return await svc.completeSso({ requestId })
        } finally {
          stop()
        }
      }))
      kit.print(opts, signedIn, () => `Signed in as ${accountName(signedIn)} (device ${signedIn.deviceId}), account ${signedIn.id}.`)
    })
}
