/**
 * The app stays open while the command line adds, removes or switches accounts in the same
 * accounts.json: the registry's watch() reports each list another process wrote, and the service
 * passes it on as accountsChanged. This service's own writes are not reported (the registry knows
 * them), so they are not emitted twice.
 */
import { RegistryError } from '../accounts'
import { snapshotOf, type ServiceContext } from './context'

/** Starts watching; returns the function that stops it. */
export function followOtherProcesses(ctx: ServiceContext): () => void {
  return ctx.registry.watch(
    (snapshot) => {
      // Sessions of accounts that are gone (logged out elsewhere) are not kept in memory.
      ctx.pool.keepOnly(new Set(snapshot.accounts.map((account) => account.id)))
      ctx.accounts.external(snapshotOf(ctx, snapshot))
    },
    {
      // A folder that cannot be watched, or a list written by a newer Latchkey, as the registry
      // words it. A corrupt file is reported by the registry's onCorrupt instead.
      onError: (error) => {
        if (error instanceof RegistryError) ctx.events.emit('notice', { level: 'warning', message: error.message })
      },
    },
  )
}
