import { defineEndpoint, SPEC } from '../endpoint'
import { httpUrl, object, optional, string } from '../validate'

/**
 * Gets Matrix server discovery information about the domain.
 * Served on the server name's own origin, not on the (yet unknown) base URL.
 */
export const wellKnown = defineEndpoint({
  name: 'wellKnown',
  summary: 'Gets Matrix server discovery information about the domain.',
  spec: `${SPEC}#getwell-knownmatrixclient`,
  label: 'the discovery file request',
  method: 'GET',
  history: { stable: { '1.0': '/.well-known/matrix/client' } },
  auth: 'none',
  rateLimited: false,
  unversioned: true,
  followRedirects: true,
  request: (_params: void) => ({}),
  response: {
    kind: 'json',
    // Only the shape is checked here; whether base_url is a usable URL is the discovery rule
    // FAIL_ERROR, decided by discovery.ts.
    parse: (body) => {
      const wk = object({
        'm.homeserver': object({ base_url: string }),
        'm.identity_server': optional(object({ base_url: string })),
      })(body, '')
      const out: WellKnown = { homeserverBaseUrl: wk['m.homeserver'].base_url }
      if (wk['m.identity_server']) out.identityServerBaseUrl = wk['m.identity_server'].base_url
      // Synapse with delegated authentication (MSC3861) says it only here (REAL-SERVERS.md). A
      // broken value is ignored rather than failing discovery: the key is optional and unstable.
      try {
        const auth = object({ 'org.matrix.msc2965.authentication': optional(object({ issuer: httpUrl, account: optional(httpUrl) })) })(body, '')[
          'org.matrix.msc2965.authentication'
        ]
        if (auth) out.authentication = auth.account === undefined ? { issuer: auth.issuer } : { issuer: auth.issuer, account: auth.account }
      } catch {
        // not usable: as if absent
      }
      return out
    },
  },
})

export interface WellKnown {
  homeserverBaseUrl: string
  identityServerBaseUrl?: string
  /** MSC2965 `org.matrix.msc2965.authentication`: the OAuth issuer and the account page. */
  authentication?: { issuer: string; account?: string }
}
