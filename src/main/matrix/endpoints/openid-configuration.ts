import { defineEndpoint } from '../endpoint'
import { parseAuthMetadata } from './auth-metadata'

/**
 * OpenID Connect Discovery 1.0 §4: the issuer's metadata at `<issuer>/.well-known/openid-configuration`.
 * Called with the issuer as the base URL (servers that name only their issuer: MSC2965's
 * auth_issuer, or the well-known key of Synapse with MSC3861).
 */
export const openIdConfiguration = defineEndpoint({
  name: 'openIdConfiguration',
  summary: 'Get the OpenID provider configuration.',
  spec: 'https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig',
  label: 'the sign-in server’s discovery request',
  method: 'GET',
  history: { stable: { '1.0': '/.well-known/openid-configuration' } },
  auth: 'none',
  rateLimited: false,
  unversioned: true,
  followRedirects: true,
  request: (_params: void) => ({}),
  response: { kind: 'json', parse: (body) => parseAuthMetadata(body) },
})
