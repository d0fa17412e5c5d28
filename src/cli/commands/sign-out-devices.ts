/** `latchkey sign-out-devices <device-ids...>`: sign other devices of an account out. */
import { ACCOUNT_HELP, type AccountOption, type JsonOption, type RegisterCommand, type UiaOptions, type YesOption } from '../command-kit'

export const register: RegisterCommand = (program, kit) => {
  program
    .command('sign-out-devices')
    .description('Sign other devices of an account out. The server usually asks for the password (on the terminal, or --password-stdin) or for confirmation in the browser (--sso). Latchkey\'s own device is signed out with logout instead.')
    .argument('<device-ids...>', 'the devices to sign out')
    .option('--account <ref>', ACCOUNT_HELP)
    .option('--password-stdin', 'read the password from standard input')
    .option('--sso', 'confirm in the browser (accounts without a password)')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--json', 'print JSON')
    .action(async (deviceIds: string[], opts: JsonOption & AccountOption & UiaOptions & YesOption) => {
      const { svc, account } = await kit.selected(opts)
      await kit.confirmUnlessYes(opts, `Sign ${deviceIds.length} device(s) of ${account.userId} out?`, 'Nothing was signed out.')
      const result = await kit.withUia(account, opts, (auth) =>
        svc.signOutDevices({ accountId: account.id, deviceIds, ...(auth ? { auth } : {}) }),
      )
      kit.print(opts, result, () => `Signed out ${result.signedOut.length} device(s).`)
    })
}
