/** `latchkey rename-device <device-id> <name>`. */
import { ACCOUNT_HELP, type AccountOption, type JsonOption, type RegisterCommand } from '../command-kit'

export const register: RegisterCommand = (program, kit) => {
  program
    .command('rename-device')
    .description('Rename one of an account\'s devices.')
    .argument('<device-id>', 'the device id')
    .argument('<name>', 'its new display name')
    .option('--account <ref>', ACCOUNT_HELP)
    .option('--json', 'print JSON')
    .action(async (deviceId: string, name: string, opts: JsonOption & AccountOption) => {
      const { svc, account } = await kit.selected(opts)
      const device = await svc.renameDevice({ accountId: account.id, deviceId, displayName: name })
      kit.print(opts, device, () => `Renamed ${device.deviceId} to "${device.displayName ?? name}".`)
    })
}
