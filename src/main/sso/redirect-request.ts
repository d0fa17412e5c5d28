/**
 * Decides, from a request line and its Host header alone, whether a request to the loopback
 * listener is the browser returning from the sign-in. Pure, so the listener's whole policy can
 * be read (and tested) here; the listener only carries it out.
 */
import { sameSecret } from './nonce'
import { badRequestPage, methodNotAllowedPage, notFoundPage, type Page } from './page'

export interface SsoRedirect {
  /** The `loginToken` the homeserver added to the redirect URL; spend it with `m.login.token`. */
  loginToken: string
}

export interface OAuthRedirect {
  /** The authorisation code, to exchange at the token endpoint with the PKCE verifier. */
  code: string
  /** The `state` the browser brought back; equal to the listener's `state`. */
  state: string
  /** RFC 9207 issuer identifier, when the authorisation server sends one; the caller checks it. */
  iss?: string
}

export type RedirectResult = SsoRedirect | OAuthRedirect

export type Expectation =
  | { kind: 'sso'; path: string; host: string }
  | { kind: 'oauth'; path: string; host: string; state: string }

export interface RequestHead {
  method: string | undefined
  /** The request target exactly as received (`req.url`). */
  url: string | undefined
  /** The Host header. */
  host: string | undefined
}

export type Verdict<R extends RedirectResult = RedirectResult> =
  | { kind: 'accept'; redirect: R }
  | { kind: 'idp-error'; error: string; description: string | undefined }
  | { kind: 'reject'; status: 400 | 404 | 405; page: Page; headers?: Record<string, string> }

/**
 * Splits an origin-form request target into its raw path and query. Anything else (absolute
 * form, `*`, `//authority`) has no path of ours; no percent-decoding or dot-segment removal is
 * done, so only the exact path the listener handed out can match.
 */
export function splitTarget(url: string | undefined): { path: string; query: string } | undefined {
  if (url === undefined || !url.startsWith('/') || url.startsWith('//')) return undefined
  const q = url.indexOf('?')
  return q === -1 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q + 1) }
}

export function isRedirectPath(url: string | undefined, path: string): boolean {
  const target = splitTarget(url)
  return target !== undefined && sameSecret(target.path, path)
}

function reject(status: 400 | 404 | 405, page: Page, headers?: Record<string, string>): Verdict<never> {
  return headers === undefined ? { kind: 'reject', status, page } : { kind: 'reject', status, page, headers }
}

/** The single value of a query parameter, or undefined when it is absent, repeated or empty. */
function single(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name)
  return values.length === 1 && values[0] !== '' ? values[0] : undefined
}

export function judgeRequest(expectation: Expectation & { kind: 'sso' }, head: RequestHead): Verdict<SsoRedirect>
export function judgeRequest(expectation: Expectation & { kind: 'oauth' }, head: RequestHead): Verdict<OAuthRedirect>
export function judgeRequest(expectation: Expectation, head: RequestHead): Verdict
export function judgeRequest(expectation: Expectation, head: RequestHead): Verdict {
  const target = splitTarget(head.url)
  if (target === undefined || !sameSecret(target.path, expectation.path)) return reject(404, notFoundPage())
  if (head.method !== 'GET') return reject(405, methodNotAllowedPage(), { Allow: 'GET' })
  // The browser names the address we gave it; any other Host (a DNS-rebinding page, a proxy)
  // did not come from the redirect.
  if (head.host !== expectation.host) {
    return reject(400, badRequestPage('This request did not come through the address Latchkey gave the browser'))
  }
  const params = new URLSearchParams(target.query)

  if (expectation.kind === 'sso') {
    const loginToken = single(params, 'loginToken')
    if (loginToken === undefined) {
      return reject(400, badRequestPage('This address needs the one login token your homeserver adds to it'))
    }
    return { kind: 'accept', redirect: { loginToken } }
  }

  // Checked before anything else in the answer: without the right state it may be forged.
  const state = single(params, 'state')
  if (state === undefined || !sameSecret(state, expectation.state)) {
    return reject(400, badRequestPage('This answer does not belong to the sign-in Latchkey started'))
  }
  if (params.has('error')) {
    const error = single(params, 'error')
    if (error === undefined) return reject(400, badRequestPage('This answer carries an unreadable error'))
    const description = params.getAll('error_description')[0]
    return { kind: 'idp-error', error, description: description === '' ? undefined : description }
  }
  const code = single(params, 'code')
  if (code === undefined) {
    return reject(400, badRequestPage('This answer needs the one authorisation code the server adds to it'))
  }
  const iss = single(params, 'iss')
  return { kind: 'accept', redirect: iss === undefined ? { code, state } : { code, state, iss } }
}
