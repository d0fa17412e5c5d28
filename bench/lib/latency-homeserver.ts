/**
 * The latency bench's homeserver: the test homeserver with `accounts` users `u<i>` / `pw-<i>-latency`
 * and no well-known (each account's base URL stays its proxy port). Run as a script
 * (`tsx bench/lib/latency-homeserver.ts <accounts>`) it runs in a process of its own
 * (./homeserver-process.ts).
 */
import { serveHomeserverProcess } from './homeserver-process'
import { startHomeserver } from '../../test/homeserver/index'

export function latencyUsers(accounts: number): Array<{ localpart: string; password: string }> {
  return Array.from({ length: accounts }, (_, i) => ({ localpart: `u${i}`, password: `pw-${i}-latency` }))
}

if (import.meta.filename === process.argv[1]) {
  const hs = await startHomeserver({ users: latencyUsers(Number(process.argv[2])), wellKnown: null })
  serveHomeserverProcess(hs)
}
