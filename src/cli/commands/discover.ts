/** `latchkey discover <server>`: what a server offers, before signing in. */
import type { JsonOption, RegisterCommand } from '../command-kit'
import { formatDiscovery } from '../format'

export const register: RegisterCommand = (program, kit) => {
  program
    .command('discover')
    .description('Show what a server offers: its address, versions and ways to sign in.')
    .argument('<server>', 'server name or URL, e.g. example.org')
    .option('--json', 'print JSON')
    .action(async (server: string, opts: JsonOption) => {
      const found = await (await kit.service()).discover({ server })
      kit.print(opts, found, () => formatDiscovery(found))
    })
}
