import { defineEndpoint, SPEC } from '../endpoint'
import { object, optional, string } from '../validate'

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
      return out
    },
  },
})

export interface WellKnown {
  homeserverBaseUrl: string
  identityServerBaseUrl?: string
}
