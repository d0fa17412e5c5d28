/**
 * SSO sign-in through the system browser: a loopback listener waits for the `loginToken` the
 * server's SSO redirect delivers, which then signs in with `m.login.token` (./login-token).
 *
 *   browser → <base>/_matrix/client/v3/login/sso/redirect[/<idp>]?redirectUrl=<listener>
 *           → identity provider → the homeserver → <listener>?loginToken=…
 */
import { startRedirectListener, type RedirectListener, type RedirectOutcome, type SsoRedirect } from '../sso'

export interface SsoStart {
  /** The homeserver's base URL. */
  baseUrl: string
  /** The server speaks only r0 releases: use the r0 path. */
  r0Only?: boolean
  /** A provider from the `m.login.sso` flow's `identity_providers`; omitted lets the server ask. */
  idpId?: string
  /** How long to wait for the browser. Default: the listener's (5 minutes). */
  timeoutMs?: number
}

export interface PendingSso {
  /** What to open in the browser. */
  readonly browserUrl: string
  /** Resolves with the login token; rejects with SsoError (cancelled, timeout, idp-error). */
  readonly loginToken: Promise<string>
  /** Tells the browser how the sign-in ended, then closes the listener. */
  finish(outcome: RedirectOutcome): void
  cancel(): void
  readonly closed: Promise<void>
}

export function ssoRedirectUrl(baseUrl: string, redirectUrl: string, options: { r0Only?: boolean; idpId?: string } = {}): string {
  const version = options.r0Only ? 'r0' : 'v3'
  const idp = options.idpId === undefined ? '' : `/${encodeURIComponent(options.idpId)}`
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/_matrix/client/${version}/login/sso/redirect${idp}`)
  url.searchParams.set('redirectUrl', redirectUrl)
  return url.toString()
}

export async function startSso(start: SsoStart): Promise<PendingSso> {
  const listener: RedirectListener<SsoRedirect> = await startRedirectListener({
    kind: 'sso',
    ...(start.timeoutMs === undefined ? {} : { timeoutMs: start.timeoutMs }),
  })
  const browserUrl = ssoRedirectUrl(start.baseUrl, listener.url, {
    ...(start.r0Only === undefined ? {} : { r0Only: start.r0Only }),
    ...(start.idpId === undefined ? {} : { idpId: start.idpId }),
  })
  const loginToken = listener.result.then((redirect) => redirect.loginToken)
  loginToken.catch(() => {})
  return {
    browserUrl,
    loginToken,
    finish: (outcome) => listener.respond(outcome),
    cancel: () => listener.cancel(),
    closed: listener.closed,
  }
}
