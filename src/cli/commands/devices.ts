/** `latchkey devices`: an account's devices (sessions). */
import { ACCOUNT_HELP, type AccountOption, type JsonOption, type RegisterCommand } from '../command-kit'
import { formatDevices } from '../format'

export const register: RegisterCommand = (program, kit) => {
  program
    .command('devices')
    .description('List the devices (sessions) of an account; * marks the one Latchkey uses.')
    .option('--account <ref>', ACCOUNT_HELP)
    .option('--json', 'print JSON')
    .action(async (opts: JsonOption & AccountOption) => {
      const { svc, account } = await kit.selected(opts)
      const devices = await svc.listDevices({ accountId: account.id })
      kit.print(opts, devices, () => formatDevices(devices))
    })
}
