/**
 * The command line's exit codes: one per kind of outcome a script may want to branch on. The
 * table is printed by `latchkey --help` and documented in ./README.md; keep the three in step.
 */
import type { AccountStatus } from '../shared/contract'
import type { ErrorCode } from '../shared/errors'

export const EXIT = {
  ok: 0,
  /** A bug in Latchkey. */
  internal: 1,
  /** The command line itself was wrong: unknown command or option, missing or malformed argument. */
  usage: 2,
  /** The server wants a password (or browser confirmation), or refused the one given. */
  auth: 3,
  /** The server could not be reached, or answered with something Latchkey cannot use. */
  server: 4,
  /** The server asked to wait before trying again. */
  rateLimited: 5,
  /** No such account, device or sign-in. */
  notFound: 6,
  /** The server does not offer this. */
  unsupported: 7,
  /** The session has ended (signed out, soft-logged-out, locked); `check`: an account needs attention. */
  session: 8,
  /** The keychain or the account file failed. */
  storage: 9,
  /** Logout recorded but not yet confirmed by the server; retried by the next `check`. */
  pending: 10,
  /** issue 9 §5: a password or token would go over plain http:// off this machine, and nobody said yes. */
  plainHttp: 11,
  /** The user id's server does not vouch for the homeserver: confirm it with --trust-server <host>. */
  trustRequired: 12,
  /** The server answered for another server, another user or an account already listed; nothing was kept. */
  mismatch: 13,
  /** issue 11 §6: `check` found a device that signed in since the last report (each reported once). */
  newDevice: 14,
  /** Cancelled (Ctrl+C, or declined at a prompt). */
  cancelled: 130,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

export function exitCodeFor(code: ErrorCode): ExitCode {
  switch (code) {
    case 'invalid-argument':
      return EXIT.usage
    case 'auth-required':
    case 'wrong-credentials':
      return EXIT.auth
    case 'unreachable':
    case 'bad-response':
    case 'server-error':
      return EXIT.server
    case 'rate-limited':
      return EXIT.rateLimited
    case 'not-found':
      return EXIT.notFound
    case 'unsupported':
      return EXIT.unsupported
    case 'soft-logged-out':
    case 'logged-out':
    case 'locked':
      return EXIT.session
    case 'storage':
      return EXIT.storage
    case 'cancelled':
      return EXIT.cancelled
    case 'plain-http':
      return EXIT.plainHttp
    case 'trust-required':
      return EXIT.trustRequired
    case 'mismatch':
      return EXIT.mismatch
    case 'forbidden':
    case 'internal':
      return EXIT.internal
  }
}

/** `check`'s verdict over every account: the most serious status decides. */
export function exitCodeForStatuses(statuses: readonly AccountStatus[]): ExitCode {
  if (statuses.some((s) => s === 'soft-logged-out' || s === 'logged-out' || s === 'locked')) return EXIT.session
  if (statuses.includes('unreachable')) return EXIT.server
  if (statuses.includes('pending-logout')) return EXIT.pending
  return EXIT.ok
}

export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    a bug in Latchkey
  2    the command line was wrong (unknown option, missing or malformed argument)
  3    the server wants a password or browser confirmation, or refused the one given
  4    the server could not be reached or answered wrongly
  5    the server asked to wait (rate limit); the message says how long
  6    no such account, device or sign-in
  7    the server does not offer this
  8    the session has ended (signed out, soft logout, locked); for check: an account needs attention
  9    the keychain or the account file failed
  10   logout recorded but the server could not be reached; the next check retries it
  11   the server would get a password or token over plain http:// (not this computer); confirm, or pass --allow-plain-http
  12   the account's server does not vouch for the homeserver; confirm it with --trust-server <host>
  13   the server answered for another server, user or an account already listed; nothing was kept
  14   check: a new device signed in to an account (each one is reported once)
  130  cancelled (Ctrl+C, or declined at a prompt)`
