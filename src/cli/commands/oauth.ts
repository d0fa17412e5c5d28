/**
 * `latchkey oauth [server]`: sign in on the server's own web page (the OAuth 2.0 API: matrix.org
 * and every server run by MAS), in the browser, or with `--device-code` by confirming a code in a
 * browser anywhere (a machine without one). With --account, sign that account in again.
 */
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

interface OAuthOptions extends JsonOption, AccountOption, PlainHttpOption, TrustOption {
  deviceCode?: boolean
  create?: boolean
  qr?: boolean
}

export const register: RegisterCommand = (program, kit) => {
  program
    .command('oauth')
    .description(
      'Sign in on the server\'s own sign-in page and add the account (Ctrl+C cancels): in your browser, or with --device-code by entering a code in a browser on any device. With --account, sign that account in again on the same device.',
    )
    .argument('[server]', 'server name or URL (not needed with --account)')
    .option('--device-code', 'no browser here: show a code and an address to open on another device')
    .option('--create', 'ask the server for a new account (browser only)')
    .option('--no-qr', 'with --device-code, do not draw the address as a QR code')
    .option('--account <ref>', 'sign this account in again on its own server')
    .option('--allow-plain-http', ALLOW_PLAIN_HTTP_HELP)
    .option('--trust-server <host>', TRUST_SERVER_HELP)
    .option('--json', 'print JSON')
    .action(async (server: string | undefined, opts: OAuthOptions) => {
      if (server === undefined && opts.account === undefined) {
        throw new CliError('usage', 'Name the server to sign in to, or give --account to sign an account in again.')
      }
      if (opts.deviceCode && opts.create) throw new CliError('usage', 'A new account can be asked for only in the browser: leave out --device-code or --create.')
      const svc = await kit.service()
      const account = opts.account === undefined ? undefined : selectAccount(await svc.listAccounts(undefined), opts.account)
      const target = { server: server ?? account?.homeserverUrl ?? '', ...(account === undefined ? {} : { accountId: account.id }) }
      const signedIn = await kit.withPlainHttpConsent(opts, (allow) => kit.withTrust(opts, async (trust) => {
        const started = opts.deviceCode
          ? await svc.beginDeviceCode({ ...target, ...allow, ...trust })
          : await svc.beginOAuth({ ...target, ...(opts.create ? { create: true } : {}), ...allow, ...trust })
        // Listen for Ctrl+C before saying it works, so a Ctrl+C right after the line is not lost.
        const stop = kit.onInterrupt(() => {
          void svc.cancelSso({ requestId: started.requestId })
        })
        try {
          if ('userCode' in started) {
            const address = started.verificationUriComplete ?? started.verificationUri
            if (opts.qr !== false && started.verificationUriComplete !== undefined) {
              const { default: QRCode } = await import('qrcode')
              kit.say(await QRCode.toString(started.verificationUriComplete, { type: 'terminal', small: true }))
            }
            kit.say(`Open ${started.verificationUri} on any device and enter the code ${started.userCode}`)
            if (address !== started.verificationUri) kit.say(`(or open ${address}, which has the code in it)`)
            kit.say(`The code works until ${new Date(started.expiresAt).toLocaleTimeString()}. Waiting for you to confirm it (Ctrl+C cancels)…`)
          } else {
            kit.say('Waiting for the browser to come back (Ctrl+C cancels)…')
          }
          return await svc.completeSso({ requestId: started.requestId })
        } finally {
          stop()
        }
      }))
      kit.print(opts, signedIn, () => `Signed in as ${accountName(signedIn)} (device ${signedIn.deviceId}), account ${signedIn.id}.`)
    })
}
