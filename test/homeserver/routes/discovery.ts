import type { Route } from '../context'
import { matrixError, ok, unrecognized } from '../reply'
import { oauthMetadataReply } from './oauth'

// Discovery: what a client reads before it signs in (spec: "Server discovery", "GET /versions",
// "GET /login", "GET /capabilities", "GET /auth_metadata").

export const discoveryRoutes: Route[] = [
  {
    endpoint: 'wellKnown', method: 'GET', space: 'root', path: '/.well-known/matrix/client', auth: 'none', body: 'none',
    handle: ({ hs }) => {
      const wellKnown = hs.config.wellKnown
      if (wellKnown === null) return matrixError(404, 'M_NOT_FOUND', 'No server discovery information here.')
      if (wellKnown !== undefined) return ok(wellKnown)
      const document: Record<string, unknown> = { 'm.homeserver': { base_url: hs.baseUrl } }
      // Synapse 1.97 with MSC3861 says it only here (REAL-SERVERS.md).
      if (hs.oauth && hs.config.oauth?.profile === 'well-known') {
        document['org.matrix.msc2965.authentication'] = { issuer: hs.oauth.issuer, account: `${hs.baseUrl}/account/` }
      }
      return ok(document)
    },
  },
  {
    // No token check: a client with a stale token must still be able to discover the server.
    endpoint: 'versions', method: 'GET', space: 'root', path: '/_matrix/client/versions', auth: 'none', body: 'none',
    handle: ({ hs }) => ok({ versions: hs.config.versions, unstable_features: hs.config.unstableFeatures }),
  },
  {
    endpoint: 'loginFlows', method: 'GET', space: 'client', path: '/login', auth: 'none', body: 'none',
    handle: ({ hs }) => {
      if (hs.config.oauth?.profile === 'well-known') return unrecognized('This homeserver uses OAuth 2.0 for sign-in.')
      const { flows, r0Only } = hs.config
      const list: Array<Record<string, unknown>> = []
      if (flows.sso) {
        const sso: Record<string, unknown> = {
          type: 'm.login.sso',
          identity_providers: flows.identityProviders.map((idp) => ({ ...idp })),
        }
        if (flows.oauthAwarePreferred) sso['oauth_aware_preferred'] = true
        list.push(sso)
      }
      if (flows.token) {
        list.push(flows.getLoginToken && !r0Only ? { type: 'm.login.token', get_login_token: true } : { type: 'm.login.token' })
      }
      if (flows.password) list.push({ type: 'm.login.password' })
      if (flows.applicationService) list.push({ type: 'm.login.application_service' })
      return ok({ flows: list })
    },
  },
  {
    endpoint: 'capabilities', method: 'GET', space: 'client', path: '/capabilities', auth: 'required', body: 'none',
    handle: ({ hs }) => {
      const { mas, capabilitiesGetLoginToken } = hs.config
      return ok({
        capabilities: {
          'm.change_password': { enabled: !mas },
          'm.room_versions': { default: '10', available: { '10': 'stable', '11': 'stable' } },
          'm.set_displayname': { enabled: true },
          'm.set_avatar_url': { enabled: true },
          'm.3pid_changes': { enabled: !mas },
          'm.get_login_token': { enabled: capabilitiesGetLoginToken },
        },
      })
    },
  },
  {
    endpoint: 'authMetadata', method: 'GET', space: 'client-v1', path: '/auth_metadata', auth: 'none', body: 'none',
    handle: (ctx) => {
      const { hs } = ctx
      if (hs.config.oauth) return oauthMetadataReply(ctx, hs.config.oauth.profile === 'auth-metadata')
      if (!hs.config.mas) return unrecognized('This homeserver does not offer the OAuth 2.0 API.')
      const base = hs.baseUrl
      return ok({
        issuer: `${base}/`,
        authorization_endpoint: `${base}/authorize`,
        token_endpoint: `${base}/oauth2/token`,
        registration_endpoint: `${base}/oauth2/registration`,
        revocation_endpoint: `${base}/oauth2/revoke`,
        account_management_uri: `${base}/account/`,
        account_management_actions_supported: [
          'org.matrix.profile', 'org.matrix.devices_list', 'org.matrix.device_view',
          'org.matrix.device_delete', 'org.matrix.cross_signing_reset',
        ],
        response_types_supported: ['code'],
        response_modes_supported: ['query', 'fragment'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        prompt_values_supported: ['create'],
      })
    },
  },
]
