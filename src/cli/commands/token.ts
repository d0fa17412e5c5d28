/** `latchkey token`: a short-lived login token for another device, as a QR code and a latchkey:// code. */
import { ACCOUNT_HELP, type AccountOption, type JsonOption, type RegisterCommand, type UiaOptions } from '../command-kit'
import { formatExpiry } from '../format'

export const register: RegisterCommand = (program, kit) => {
  program
    .command('token')
    .description('Make a short-lived login token for signing in on another device: prints a QR code, the latchkey://login?… code and its expiry. The server usually asks for the password first (on the terminal, or --password-stdin; --sso for the browser).')
    .option('--account <ref>', ACCOUNT_HELP)
    .option('--password-stdin', 'read the password from standard input')
    .option('--sso', 'confirm in the browser (accounts without a password)')
    .option('--no-qr', 'do not print the QR code')
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption & AccountOption & UiaOptions & { qr?: boolean }) => {
      const { svc, account } = await kit.selected(opts)
      const token = await kit.withUia(account, opts, (auth) =>
        svc.generateLoginToken({ accountId: account.id, ...(auth ? { auth } : {}) }),
      )
      if (opts.json) return kit.json(token)
      if (opts.qr !== false) {
        const { default: QRCode } = await import('qrcode')
        kit.out(await QRCode.toString(token.payload, { type: 'terminal', small: true }))
      }
      kit.out(token.payload)
      kit.out(`Expires ${formatExpiry(token.expiresAt)}. It works once.`)
    })
}
