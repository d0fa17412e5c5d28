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
  response: {
    kind: 'json',
    parse: (body): AuthMetadata => {
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
      if (m.device_authorization_endpoint) out.deviceAuthorizationEndpoint = m.device_authorization_endpoint
      if (m.account_management_uri) out.accountManagementUri = m.account_management_uri
      if (m.account_management_actions_supported) out.accountManagementActionsSupported = m.account_management_actions_supported
      return out
    },
  },
})
