import { defineEndpoint, SPEC } from '../endpoint'
import type { AuthDict } from '../uia-state'
import { count, nonEmptyString, object, optional, ShapeError } from '../validate'

export interface LoginTokenResponse {
  /** The one secret the UI shows: it exists to be scanned or copied onto another device. */
  loginToken: string
  expiresInMs: number
}

/** Optional endpoint to generate a single-use, time-limited, `m.login.token` token. */
export const getLoginToken = defineEndpoint({
  name: 'getLoginToken',
  summary: 'Optional endpoint to generate a single-use, time-limited, `m.login.token` token.',
  spec: `${SPEC}#post_matrixclientv1loginget_token`,
  label: 'the login token request',
  method: 'POST',
  history: {
    stable: { '1.7': '/_matrix/client/v1/login/get_token' },
    unstable: { feature: 'org.matrix.msc3882', path: '/_matrix/client/unstable/org.matrix.msc3882/login/get_token' },
    // Both were born with the stable path in v1.7 (MSC3882's own were prefixed org.matrix.msc3882).
    stableSignals: ['capability:m.get_login_token', 'login-flow:get_login_token'],
  },
  auth: 'required',
  rateLimited: true,
  uia: true,
  sentences: {
    unsupported: '{host} does not let a signed-in session make login tokens for other devices.',
    M_FORBIDDEN: '{host} does not let this account make login tokens.',
  },
  request: (p: { auth?: AuthDict }) => ({ body: p.auth ? { auth: p.auth } : {} }),
  secrets: (p: { auth?: AuthDict }) => [typeof p.auth?.password === 'string' ? p.auth.password : undefined],
  response: {
    kind: 'json',
    parse: (body): LoginTokenResponse => {
      // Servers that implemented MSC3882 before v1.7 answer only the deprecated `expires_in` (seconds).
      const r = object({ login_token: nonEmptyString, expires_in_ms: optional(count), expires_in: optional(count) })(body, '')
      const expiresInMs = r.expires_in_ms ?? (r.expires_in !== undefined ? r.expires_in * 1000 : undefined)
      if (expiresInMs === undefined) throw new ShapeError('expires_in_ms', 'missing')
      return { loginToken: r.login_token, expiresInMs }
    },
  },
})
