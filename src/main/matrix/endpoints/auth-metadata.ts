import { defineEndpoint, SPEC } from '../endpoint'
import { arrayOf, httpUrl, jsonObject, object, optional, string } from '../validate'

export interface AuthMetadata {
  issuer: string
  authorizationEndpoint: string
  tokenEndpoint: string
  revocationEndpoint: string
  registrationEndpoint: string
  responseTypesSupported: string[]
  grantTypesSupported: string[]
  responseModesSupported: string[]
  codeChallengeMethodsSupported: string[]
  promptValuesSupported?: string[]
  /** RFC 8414 `scopes_supported`: which Matrix scope forms (stable, MSC2967 unstable) to ask for. */
  scopesSupported?: string[]
  deviceAuthorizationEndpoint?: string
  /** Where the person manages their account and devices (spec v1.18). */
  accountManagementUri?: string
  accountManagementActionsSupported?: string[]
  /** Everything the server sent (RFC 8414 defines more fields than Matrix names). */
  raw: Record<string, unknown>
}

const shape = object({
  issuer: string,
  authorization_endpoint: httpUrl,
  token_endpoint: httpUrl,
  revocation_endpoint: httpUrl,
  registration_endpoint: httpUrl,
  response_types_supported: arrayOf(string),
  grant_types_supported: arrayOf(string),
  response_modes_supported: arrayOf(string),
  code_challenge_methods_supported: arrayOf(string),
  prompt_values_supported: optional(arrayOf(string)),
  scopes_supported: optional(arrayOf(string)),
  device_authorization_endpoint: optional(httpUrl),
  account_management_uri: optional(httpUrl),
  account_management_actions_supported: optional(arrayOf(string)),
})

/** Get the OAuth 2.0 authorization server metadata. Only detected here; the OAuth issue uses it. */
export const authMetadata = defineEndpoint({
  name: 'authMetadata',
  summary: 'Get the OAuth 2.0 authorization server metadata.',
  spec: `${SPEC}#get_matrixclientv1auth_metadata`,
  label: 'the OAuth 2.0 metadata request',
  method: 'GET',
  history: {
    stable: { '1.15': '/_matrix/client/v1/auth_metadata' },
    unstable: { feature: 'org.matrix.msc2965', path: '/_matrix/client/unstable/org.matrix.msc2965/auth_metadata' },
  },
  auth: 'none',
  rateLimited: false,
  sentences: { unsupported: '{host} does not offer the OAuth 2.0 API.' },
  request: (_params: void) => ({}),
  response: { kind: 'json', parse: (body) => parseAuthMetadata(body) },
})

/**
 * RFC 8414 metadata, as auth_metadata answers it and as an issuer's OpenID discovery document
 * (`/.well-known/openid-configuration`) has it: the fields the Matrix spec requires, checked.
 */
export function parseAuthMetadata(body: unknown): AuthMetadata {
  const raw = jsonObject(body, '')
  const m = shape(raw, '')
  const out: AuthMetadata = {
    issuer: m.issuer,
    authorizationEndpoint: m.authorization_endpoint,
    tokenEndpoint: m.token_endpoint,
    revocationEndpoint: m.revocation_endpoint,
    registrationEndpoint: m.registration_endpoint,
    responseTypesSupported: m.response_types_supported,
    grantTypesSupported: m.grant_types_supported,
    responseModesSupported: m.response_modes_supported,
    codeChallengeMethodsSupported: m.code_challenge_methods_supported,
    raw,
  }
  if (m.prompt_values_supported) out.promptValuesSupported = m.prompt_values_supported
  if (m.scopes_supported) out.scopesSupported = m.scopes_supported
  if (m.device_authorization_endpoint) out.deviceAuthorizationEndpoint = m.device_authorization_endpoint
  if (m.account_management_uri) out.accountManagementUri = m.account_management_uri
  if (m.account_management_actions_supported) out.accountManagementActionsSupported = m.account_management_actions_supported
  return out
}

/**
 * The same metadata at MSC2965's unstable path, which servers between MSC2965 and spec v1.15
 * answer. Asked beside the stable one during discovery, not chosen from /versions.
 */
export const authMetadataUnstable = defineEndpoint({
  name: 'authMetadataUnstable',
  summary: 'Get the OAuth 2.0 authorization server metadata (MSC2965, unstable).',
  spec: 'https://github.com/matrix-org/matrix-spec-proposals/pull/2965',
  label: 'the OAuth 2.0 metadata request',
  method: 'GET',
  history: { stable: { '1.0': '/_matrix/client/unstable/org.matrix.msc2965/auth_metadata' } },
  auth: 'none',
  rateLimited: false,
  unversioned: true,
  sentences: { unsupported: '{host} does not offer the OAuth 2.0 API.' },
  request: (_params: void) => ({}),
  response: { kind: 'json', parse: (body) => parseAuthMetadata(body) },
})
