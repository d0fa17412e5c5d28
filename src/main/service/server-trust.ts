/**
 * Whether a user id's server vouches for the homeserver that signed it in (issue 9 §2).
 *
 * A homeserver answers a sign-in with a user id, and any homeserver can answer with any user id:
 * one a login code points at could say "@alice:matrix.org", and every later sentence would then
 * name matrix.org — including "matrix.org asks for your password". So after every sign-in, and
 * before anything is stored, the user id's server name is asked (its well-known file, as
 * discovery reads it) which homeserver serves it:
 *
 * - it names this homeserver → accepted ('well-known');
 * - it names another one → refused: the new session is signed out and nothing is kept;
 * - it gives no usable answer → accepted when the homeserver's host is the server name
 *   ('server-name') or both are loopback ('loopback'); otherwise only when the person confirmed
 *   that host ('confirmed'), which the account then shows beside its user id.
 *
 * Both base URLs are checked: the one the credentials went to and the one used from then on (a
 * login answer's `well_known` may change it).
 */
import type { ServerTrust } from '../accounts'
import { hostOf, isLoopbackHost, parseServerName, sameBaseUrl, vouchedBaseUrl } from '../matrix'
import { ContractError } from '../../shared/errors'
import { serverNameOf } from './accounts-view'
import type { ServiceContext } from './context'

export type { ServerTrust }


export interface TrustCheck {
  userId: string
  /** The base URL the credentials were sent to. */
  signedInAt: string
  /** The base URL the session is used at from then on (the same, unless a login answer's well_known moved it). */
  usedAt: string
  /** The host the person confirmed (the contract's `trustServer`). */
  trustServer?: string | undefined
  /** The account's own earlier answer (a re-login): a host confirmed once stays confirmed. */
  previously?: { serverTrust?: ServerTrust | undefined; homeserverUrl: string } | undefined
}

/**
 * What happened to the session when the check fails, ending the refusal's sentence: "Latchkey
 * signed the new session out and kept nothing." or, checked before signing in, "Nothing was sent."
 */
export type Consequence = string

export const SIGNED_OUT: Consequence = 'Latchkey signed that new session out and kept nothing.'
/** The same, for a check made before anything was sent. */
export const NOTHING_SENT = {
  password: 'Latchkey did not send the password.',
  loginCode: 'Latchkey did not use the login code.',
} as const

/** How long the well-known file may take: no answer in time counts as no answer. */
const WELL_KNOWN_TIMEOUT_MS = 8000

/**
 * Answers how the homeserver is vouched for, or throws ContractError: 'mismatch' (refused) or
 * 'trust-required' (the person must confirm `trust.host`). The one check every way of signing in
 * goes through (password, login token, SSO, re-login, OAuth).
 */
export async function verifyServer(ctx: ServiceContext, check: TrustCheck, consequence: Consequence = SIGNED_OUT): Promise<ServerTrust> {
  const serverName = serverNameOf(check.userId)
  const parsed = parseServerName(serverName)
  if (!parsed || !check.userId.startsWith('@')) {
    throw new ContractError({
      code: 'mismatch',
      message: `The server answered with “${check.userId.slice(0, 255)}”, which is not a user id Latchkey can check. ${consequence}`,
    })
  }
  const bases = [...new Set([check.signedInAt, check.usedAt])]
  const vouched = await vouchedBaseUrl(serverName, {
    transport: ctx.transport,
    signal: ctx.closing,
    timeoutMs: Math.min(WELL_KNOWN_TIMEOUT_MS, ctx.transport.timeoutMs),
  })
  if (vouched !== null) {
    const other = bases.find((b) => !sameBaseUrl(b, vouched))
    if (other === undefined) return 'well-known'
    throw new ContractError({
      code: 'mismatch',
      message: `${check.userId} belongs to ${serverName}, which names ${hostOf(vouched)} as its homeserver, not ${hostOf(other)}. ${consequence}`,
    })
  }
  // No usable answer: the host itself must be the server name, or the person must say so.
  const verdicts = bases.map((base) => withoutVouching(base, parsed.hostname))
  const unvouched = [...new Set(bases.filter((_, i) => verdicts[i] === null).map(hostOf))]
  if (unvouched.length === 0) return verdicts.includes('loopback') ? 'loopback' : 'server-name'
  if (unvouched.length > 1) {
    throw new ContractError({
      code: 'mismatch',
      message: `${check.userId} was signed in by ${unvouched[0]} and then sent to ${unvouched[1]}, and ${serverName} vouches for neither. ${consequence}`,
    })
  }
  const host = unvouched[0] as string
  const previously = check.previously
  if (previously?.serverTrust === 'confirmed' && sameHost(hostOf(previously.homeserverUrl), host)) return 'confirmed'
  if (check.trustServer !== undefined && sameHost(check.trustServer, host)) return 'confirmed'
  throw new ContractError({
    code: 'trust-required',
    message: `${check.userId} is served by ${host}, which ${serverName} does not vouch for. ${consequence} Go on only if you trust ${host} with this account.`,
    trust: { userId: check.userId, serverName, host },
  })
}

/** How a base URL is accepted when the server name publishes nothing usable, or null. */
function withoutVouching(baseUrl: string, serverHostname: string): 'server-name' | 'loopback' | null {
  if (!URL.canParse(baseUrl)) return null
  const hostname = new URL(baseUrl).hostname.toLowerCase()
  if (hostname === serverHostname.toLowerCase()) return 'server-name'
  if (isLoopbackHost(hostname) && isLoopbackHost(serverHostname)) return 'loopback'
  return null
}

function sameHost(a: string, b: string): boolean {
  const norm = (h: string): string => {
    const text = h.trim().toLowerCase()
    return URL.canParse(`https://${text}`) ? new URL(`https://${text}`).host : text
  }
  return norm(a) === norm(b)
}
