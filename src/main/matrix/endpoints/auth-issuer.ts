import { defineEndpoint } from '../endpoint'
import { httpUrl, object } from '../validate'

/**
 * Get the OpenID Connect issuer the homeserver delegates authentication to (MSC2965 before it
 * became auth_metadata). The issuer's own discovery document has the endpoints.
 */
export const authIssuer = defineEndpoint({
  name: 'authIssuer',
  summary: 'Get the OpenID Connect issuer (MSC2965, unstable).',
  spec: 'https://github.com/matrix-org/matrix-spec-proposals/pull/2965',
  label: 'the OAuth 2.0 issuer request',
  method: 'GET',
  history: { stable: { '1.0': '/_matrix/client/unstable/org.matrix.msc2965/auth_issuer' } },
  auth: 'none',
  rateLimited: false,
  unversioned: true,
  sentences: { unsupported: '{host} does not offer the OAuth 2.0 API.' },
  request: (_params: void) => ({}),
  response: { kind: 'json', parse: (body): string => object({ issuer: httpUrl })(body, '').issuer },
})
