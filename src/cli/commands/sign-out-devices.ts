/** `latchkey sign-out-devices <device-ids...>`: sign other devices of an account out. */
import { ACCOUNT_HELP, type AccountOption, type JsonOption, type RegisterCommand, type UiaOptions, type YesOption } from '../command-kit'

export const register: RegisterCommand = (program, kit) => {
  program
    .command('sign-out-devices')
    .description('Sign other devices of an account out. The server usually asks for the password (on the terminal, or --password-stdin) or for confirmation in the browser (--sso); a server that signs devices out on its own page (OAuth 2.0, MAS) gets that page opened in the browser instead. Latchkey\'s own device is signed out with logout instead.')
    .argument('<device-ids...>', 'the devices to sign out')
    .option('--account <ref>', ACCOUNT_HELP)
    .option('--password-stdin', 'read the password from standard input')
    .option('--sso', 'confirm in the browser (accounts without a password)')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'print JSON')
    .action(async (deviceIds: string[], opts: JsonOption & AccountOption & UiaOptions & YesOption) => {
      const { svc, account } = await kit.selected(opts)
      if (account.signOutInBrowser) {
        // Its server signs devices out on its own page (OAuth 2.0, MAS): opening it ends nothing, so nothing is asked first.
        const result = await svc.signOutDevices({ accountId: account.id, deviceIds })
        kit.print(opts, result, () =>
          result.openedInBrowser
            ? `${account.serverName} signs devices out on its own page, which Latchkey opened in your browser (${result.openedInBrowser}): sign ${deviceIds.length === 1 ? 'the device' : `the ${deviceIds.length} devices`} out there. Nothing was signed out yet.`
            : `Signed out ${result.signedOut.length} device(s).`,
        )
        return
      }
      await kit.confirmUnlessYes(opts, `Sign ${deviceIds.length} device(s) of ${account.userId} out?`, 'Nothing was signed out.')
      const result = await kit.withUia(account, opts, (auth) =>
        svc.signOutDevices({ accountId: account.id, deviceIds, ...(auth ? { auth } : {}) }),
      )
      kit.print(opts, result, () => `Signed out ${result.signedOut.length} device(s).`)
    })
}
