import { defineEndpoint, SPEC } from '../endpoint'
import { count, nonEmptyString, object, optional } from '../validate'

export interface RefreshResponse {
  accessToken: string
  /** When absent, the old refresh token stays valid. */
  refreshToken?: string
  expiresInMs?: number
}

/** Refresh an access token. Authentication is by the refresh token, not an access token. */
export const refresh = defineEndpoint({
  name: 'refresh',
  summary: 'Refresh an access token',
  spec: `${SPEC}#post_matrixclientv3refresh`,
  label: 'the session renewal',
  method: 'POST',
  // Added in v1.3 directly under v3 (there is no r0 or v1 refresh).
  history: { stable: { '1.3': '/_matrix/client/v3/refresh' } },
  auth: 'none',
  rateLimited: true,
  sentences: { unsupported: '{host} does not offer session renewal.' },
  request: (p: { refreshToken: string }) => ({ body: { refresh_token: p.refreshToken } }),
  secrets: (p: { refreshToken: string }) => [p.refreshToken],
  response: {
    kind: 'json',
    parse: (body): RefreshResponse => {
      const r = object({ access_token: nonEmptyString, refresh_token: optional(nonEmptyString), expires_in_ms: optional(count) })(body, '')
      const out: RefreshResponse = { accessToken: r.access_token }
      if (r.refresh_token !== undefined) out.refreshToken = r.refresh_token
      if (r.expires_in_ms !== undefined) out.expiresInMs = r.expires_in_ms
      return out
    },
  },
})
