/**
 * The login-token payload: what the QR code holds, what `generateLoginToken` answers and what
 * `addWithLoginToken` accepts.
 *
 *   latchkey://login?hs=<homeserver base URL>&token=<login token>&user=<user id>
 *
 * `hs` is the base URL (not the server name) so the receiving device needs no discovery and
 * cannot be sent elsewhere by a forged well-known file; `user` lets it say whom it is signing in
 * as before it spends the single-use token. Values are form-encoded (URLSearchParams), so a user
 * id's `@` and `:` survive any QR reader.
 */
import { ContractError } from '../../shared/errors'

const PAYLOAD_SCHEME = 'latchkey:'
const PAYLOAD_HOST = 'login'

export interface LoginPayload {
  homeserverUrl: string
  token: string
  userId?: string
}

export function encodeLoginPayload(payload: Required<LoginPayload>): string {
  const query = new URLSearchParams({
    hs: payload.homeserverUrl,
    token: payload.token,
    user: payload.userId,
  })
  return `latchkey://${PAYLOAD_HOST}?${query.toString()}`
}

/** True when the text is meant as a payload URI (so a bare token is never mistaken for one). */
function looksLikePayload(text: string): boolean {
  return text.trim().toLowerCase().startsWith(PAYLOAD_SCHEME)
}

/**
 * Reads a payload URI, or a bare login token when `server` is given. Throws ContractError
 * 'invalid-argument' with a sentence that never repeats the token.
 */
export function parseLoginPayload(text: string, server?: string): { token: string; server: string; userId?: string } {
  const input = text.trim()
  if (!looksLikePayload(input)) {
    if (server === undefined || server.trim() === '') {
      throw invalid(
        'This is not a Latchkey login code. Paste the whole latchkey://login?… text, or give the server together with the bare token.',
      )
    }
    if (!/^[\x21-\x7e]+$/.test(input)) {
      throw invalid('A login token is one word of printable characters; this one has spaces or other characters in it.')
    }
    return { token: input, server: server.trim() }
  }
  let url: URL
  try {
    url = new URL(input)
  } catch {
    throw invalid('This Latchkey login code is damaged: it is not a readable address.')
  }
  if (url.host !== PAYLOAD_HOST) {
    throw invalid('This latchkey:// address is not a login code (it should start with latchkey://login?).')
  }
  const hs = url.searchParams.get('hs') ?? ''
  const token = url.searchParams.get('token') ?? ''
  const user = url.searchParams.get('user') ?? undefined
  if (token === '') throw invalid('This Latchkey login code holds no token.')
  if (hs === '') throw invalid('This Latchkey login code does not say which server it is for.')
  let base: URL
  try {
    base = new URL(hs)
  } catch {
    throw invalid('This Latchkey login code names a server address that is not a URL.')
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw invalid('This Latchkey login code names a server that is not an http(s) address.')
  }
  if (base.username !== '' || base.password !== '') {
    throw invalid('This Latchkey login code names a server address with a user name in it; Latchkey will not use it.')
  }
  if (user !== undefined && !/^@[^:]+:.+$/.test(user)) {
    throw invalid('This Latchkey login code names a user id that is not of the form @name:server.')
  }
  return { token, server: hs.replace(/\/+$/, ''), ...(user === undefined ? {} : { userId: user }) }
}

function invalid(message: string): ContractError {
  return new ContractError({ code: 'invalid-argument', message })
}
